// The version of a stored template's sections JSON (report_templates.format_version); older ones are migrated when read.
export const TEMPLATE_FORMAT_VERSION = 1;
