/*
 * Radraft's JPEG 2000 (ISO/IEC 15444-1, DICOM PS3.5 A.4.4) entry points over OpenJPEG, compiled to WASM by
 * build-wasm.sh. Why our own build rather than the registry's: that one decodes on one thread and holds the whole
 * image as 32-bit samples plus a 16-bit copy. Here OpenJPEG's code-block decoding runs on a thread pool, and a
 * single-tile codestream can be decoded in horizontal strips: once the tile's data are ingested, each
 * opj_set_decode_area + opj_decode call reuses the code-blocks decoded for the previous strip, so only a strip's
 * samples exist at a time.
 */
#include <emscripten.h>
#include <stdint.h>
#include <string.h>
#include "openjpeg.h"

typedef struct {
  opj_codec_t *codec;
  opj_stream_t *stream;
  opj_image_t *image;
  const uint8_t *data;
  uint32_t length;
  uint32_t pos;
} rj_ctx;

static rj_ctx ctx;
static char log_text[4096];
static size_t log_len;

static void rj_log(const char *prefix, const char *msg) {
  size_t room = sizeof(log_text) - 1 - log_len;
  size_t p = strlen(prefix), m = strlen(msg);
  if (p + m > room) return;
  memcpy(log_text + log_len, prefix, p);
  memcpy(log_text + log_len + p, msg, m);
  log_len += p + m;
  log_text[log_len] = 0;
}
static void on_error(const char *msg, void *unused) { (void)unused; rj_log("[ERROR] ", msg); }
static void on_warning(const char *msg, void *unused) { (void)unused; rj_log("[WARNING] ", msg); }

/* A memory stream over the codestream in the WASM heap; OpenJPEG copies what it needs into its tile buffer. */
static OPJ_SIZE_T on_read(void *buffer, OPJ_SIZE_T n, void *user) {
  rj_ctx *c = (rj_ctx *)user;
  if (!c->data || c->pos >= c->length) return (OPJ_SIZE_T)-1;
  if (n > c->length - c->pos) n = c->length - c->pos;
  memcpy(buffer, c->data + c->pos, n);
  c->pos += (uint32_t)n;
  return n;
}
static OPJ_OFF_T on_skip(OPJ_OFF_T n, void *user) {
  rj_ctx *c = (rj_ctx *)user;
  OPJ_OFF_T target = (OPJ_OFF_T)c->pos + n;
  if (target < 0) target = 0;
  if (target > (OPJ_OFF_T)c->length) target = c->length;
  OPJ_OFF_T moved = target - (OPJ_OFF_T)c->pos;
  c->pos = (uint32_t)target;
  return moved;
}
static OPJ_BOOL on_seek(OPJ_OFF_T n, void *user) {
  rj_ctx *c = (rj_ctx *)user;
  if (n < 0 || n > (OPJ_OFF_T)c->length) return OPJ_FALSE;
  c->pos = (uint32_t)n;
  return OPJ_TRUE;
}

EMSCRIPTEN_KEEPALIVE const char *rj_log_text(void) { return log_text; }

EMSCRIPTEN_KEEPALIVE void rj_close(void) {
  if (ctx.image) opj_image_destroy(ctx.image);
  if (ctx.stream) opj_stream_destroy(ctx.stream);
  if (ctx.codec) opj_destroy_codec(ctx.codec);
  memset(&ctx, 0, sizeof(ctx));
}

/*
 * Reads the main header of the codestream at data (length bytes, which must stay valid until rj_release_source).
 * info receives x0, y0, x1, y1, numcomps, tiles across, tiles down, then per component (up to 4) prec, sgnd,
 * dx, dy. Returns 1, or 0 with the reason in rj_log_text().
 */
EMSCRIPTEN_KEEPALIVE int rj_open(const uint8_t *data, uint32_t length, int threads, int32_t *info) {
  rj_close();
  log_len = 0;
  log_text[0] = 0;
  ctx.data = data;
  ctx.length = length;
  /* A raw codestream: the caller unwraps a JP2 file first (j2k-markers.ts). */
  ctx.codec = opj_create_decompress(OPJ_CODEC_J2K);
  if (!ctx.codec) return 0;
  opj_set_error_handler(ctx.codec, on_error, NULL);
  opj_set_warning_handler(ctx.codec, on_warning, NULL);
  opj_dparameters_t params;
  opj_set_default_decoder_parameters(&params);
  if (!opj_setup_decoder(ctx.codec, &params)) return 0;
  if (threads > 1 && !opj_codec_set_threads(ctx.codec, threads)) return 0;
  /* A small stream buffer: OpenJPEG reads tile data larger than it straight into its tile buffer. */
  ctx.stream = opj_stream_create(65536, OPJ_TRUE);
  if (!ctx.stream) return 0;
  opj_stream_set_user_data(ctx.stream, &ctx, NULL);
  opj_stream_set_user_data_length(ctx.stream, length);
  opj_stream_set_read_function(ctx.stream, on_read);
  opj_stream_set_skip_function(ctx.stream, on_skip);
  opj_stream_set_seek_function(ctx.stream, on_seek);
  if (!opj_read_header(ctx.stream, ctx.codec, &ctx.image)) return 0;
  opj_codestream_info_v2_t *cs = opj_get_cstr_info(ctx.codec);
  if (!cs) return 0;
  info[0] = (int32_t)ctx.image->x0;
  info[1] = (int32_t)ctx.image->y0;
  info[2] = (int32_t)ctx.image->x1;
  info[3] = (int32_t)ctx.image->y1;
  info[4] = (int32_t)ctx.image->numcomps;
  info[5] = (int32_t)cs->tw;
  info[6] = (int32_t)cs->th;
  opj_destroy_cstr_info(&cs);
  for (uint32_t i = 0; i < ctx.image->numcomps && i < 4; i++) {
    info[7 + i * 4] = (int32_t)ctx.image->comps[i].prec;
    info[8 + i * 4] = (int32_t)ctx.image->comps[i].sgnd;
    info[9 + i * 4] = (int32_t)ctx.image->comps[i].dx;
    info[10 + i * 4] = (int32_t)ctx.image->comps[i].dy;
  }
  return 1;
}

/*
 * Decodes rows y0..y1 of the reference grid (all columns), or the whole image when whole != 0. On success ptrs
 * receives each component's 32-bit samples (valid until the next call) and 1 is returned. After the first call on
 * a single-tile codestream OpenJPEG holds its own copy of the tile data and the source may be released.
 */
EMSCRIPTEN_KEEPALIVE int rj_decode(uint32_t y0, uint32_t y1, int whole, int32_t **ptrs) {
  if (!ctx.image) return 0;
  if (!whole && !opj_set_decode_area(ctx.codec, ctx.image, (OPJ_INT32)ctx.image->x0, (OPJ_INT32)y0,
                                     (OPJ_INT32)ctx.image->x1, (OPJ_INT32)y1)) return 0;
  if (!opj_decode(ctx.codec, ctx.stream, ctx.image)) return 0;
  if (whole && !opj_end_decompress(ctx.codec, ctx.stream)) return 0;
  for (uint32_t i = 0; i < ctx.image->numcomps && i < 4; i++) {
    if (!ctx.image->comps[i].data) return 0;
    ptrs[i] = ctx.image->comps[i].data;
  }
  return 1;
}

/* The source bytes are no longer read once the tile data are ingested; forget them before the caller frees them. */
EMSCRIPTEN_KEEPALIVE void rj_release_source(void) {
  ctx.data = NULL;
}

/*
 * Stored values (PS3.5 8.1.1: Bits Stored bits kept, sign-extended when the output is signed) of the last decoded
 * strip, interleaved by component, written to out as 8- or 16-bit cells. p holds: components, samples per
 * component, bytes per cell, bits stored, signed output, clamp, then each component's lowest and highest valid
 * sample. r receives min and max of the values written and, when a sample is out of range and clamp is 0, that
 * sample (r[3] = 1); the strip is then incomplete. Done here rather than in JS because it runs between strips,
 * while the pool threads wait.
 */
EMSCRIPTEN_KEEPALIVE void rj_store(int32_t *const *ptrs, const int32_t *p, void *out, int32_t *r) {
  const int comps = p[0], bytes = p[2], bs = p[3], signed_out = p[4], clamp = p[5];
  const uint32_t count = (uint32_t)p[1];
  const int up = 32 - bs;
  const uint32_t mask = bs >= 32 ? 0xffffffffu : ((1u << bs) - 1u);
  int32_t lo_seen = r[0], hi_seen = r[1];
  for (int c = 0; c < comps; c++) {
    const int32_t *src = ptrs[c];
    const int32_t lo = p[6 + 2 * c], hi = p[7 + 2 * c];
    for (uint32_t i = 0; i < count; i++) {
      int32_t v = src[i];
      if (v < lo || v > hi) {
        if (!clamp) { r[2] = v; r[3] = 1; return; }
        v = v < lo ? lo : hi;
      }
      int32_t s = signed_out ? (int32_t)(((uint32_t)v & mask) << up) >> up : (int32_t)((uint32_t)v & mask);
      if (s < lo_seen) lo_seen = s;
      if (s > hi_seen) hi_seen = s;
      if (bytes == 2) ((uint16_t *)out)[(size_t)i * comps + c] = (uint16_t)s;
      else ((uint8_t *)out)[(size_t)i * comps + c] = (uint8_t)s;
    }
  }
  r[0] = lo_seen;
  r[1] = hi_seen;
}
