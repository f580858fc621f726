/*
 * Radraft's entry point into libjpeg-turbo 3.1 (unmodified, built to WASM by build-wasm.sh): decodes one JPEG
 * codestream of any process the library knows (ITU-T T.81 baseline, extended, progressive, lossless; Huffman or
 * arithmetic coding; 2-16 bit precision) into one buffer of samples, colour-by-pixel. Errors and warnings are
 * collected as text instead of being printed, and a libjpeg error ends the decode through longjmp, so a damaged
 * codestream can never abort the module.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jpeglib.h"

/* Scans allowed in one progressive codestream: real encoders use ~10; a crafted one with thousands would make the
   decoder re-process the whole image each time (the same guard as djpeg -maxscans). */
#define MAX_SCANS 1000
#define LOG_SIZE 2048

static char log_text[LOG_SIZE];
static size_t log_used;

struct rj_error {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
};

static void log_line(j_common_ptr cinfo) {
  char line[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, line);
  size_t n = strlen(line);
  if (log_used + n + 2 > LOG_SIZE) return;
  memcpy(log_text + log_used, line, n);
  log_used += n;
  log_text[log_used++] = '\n';
  log_text[log_used] = 0;
}

static void on_error(j_common_ptr cinfo) {
  log_line(cinfo);
  longjmp(((struct rj_error *)cinfo->err)->jump, 1);
}

/* Warnings (level -1) are all kept: the caller decides which of them mean a damaged codestream. Trace messages
   (level >= 0) are dropped. */
static void on_message(j_common_ptr cinfo, int level) {
  if (level < 0) {
    cinfo->err->num_warnings++;
    log_line(cinfo);
  }
}

static void on_progress(j_common_ptr cinfo) {
  j_decompress_ptr d = (j_decompress_ptr)cinfo;
  if (d->progressive_mode && d->input_scan_number > MAX_SCANS) {
    snprintf(log_text + log_used, LOG_SIZE - log_used, "more than %d progressive scans\n", MAX_SCANS);
    log_used = strlen(log_text);
    longjmp(((struct rj_error *)cinfo->err)->jump, 1);
  }
}

const char *rj_jpeg_log(void) { return log_text; }

/*
 * info (10 words): width, height, components, precision, bytes per sample, JPEG colour space, output colour space,
 * progressive, arithmetic, warnings. `convert`: 0 keeps the components as coded (lossless data must not be
 * colour-converted), 1 lets libjpeg convert to RGB as it would by default. Returns the samples (free with
 * rj_jpeg_free) or 0 with the reason in rj_jpeg_log().
 */
unsigned char *rj_jpeg_decode(const unsigned char *data, unsigned long length, int convert, unsigned int *info) {
  struct jpeg_decompress_struct cinfo;
  struct rj_error err;
  struct jpeg_progress_mgr progress;
  unsigned char *volatile out = NULL;
  log_used = 0;
  log_text[0] = 0;
  memset(&cinfo, 0, sizeof(cinfo));
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(out);
    return NULL;
  }
  jpeg_create_decompress(&cinfo);
  progress.progress_monitor = on_progress;
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, data, length);
  jpeg_read_header(&cinfo, TRUE);
  if (!convert) cinfo.out_color_space = cinfo.jpeg_color_space;
  jpeg_start_decompress(&cinfo);
  const unsigned int bytes = cinfo.data_precision <= 8 ? 1 : 2;
  const size_t row_bytes = (size_t)cinfo.output_width * cinfo.output_components * bytes;
  out = malloc(row_bytes * cinfo.output_height);
  if (!out) {
    snprintf(log_text, LOG_SIZE, "out of memory for a %ux%u image\n", cinfo.output_width, cinfo.output_height);
    log_used = strlen(log_text);
    jpeg_destroy_decompress(&cinfo);
    return NULL;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    void *row = out + row_bytes * cinfo.output_scanline;
    JDIMENSION got;
    if (cinfo.data_precision <= 8) got = jpeg_read_scanlines(&cinfo, (JSAMPARRAY)&row, 1);
    else if (cinfo.data_precision <= 12) got = jpeg12_read_scanlines(&cinfo, (J12SAMPARRAY)&row, 1);
    else got = jpeg16_read_scanlines(&cinfo, (J16SAMPARRAY)&row, 1);
    if (got == 0) break;
  }
  info[0] = cinfo.output_width;
  info[1] = cinfo.output_height;
  info[2] = cinfo.output_components;
  info[3] = cinfo.data_precision;
  info[4] = bytes;
  info[5] = cinfo.jpeg_color_space;
  info[6] = cinfo.out_color_space;
  info[7] = cinfo.progressive_mode;
  info[8] = cinfo.arith_code;
  info[9] = err.pub.num_warnings;
  jpeg_finish_decompress(&cinfo);
  info[9] = err.pub.num_warnings;
  jpeg_destroy_decompress(&cinfo);
  return out;
}

void rj_jpeg_free(void *p) { free(p); }
