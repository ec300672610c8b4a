// SPDX-License-Identifier: GPL-2.0
/*
 * lparctl - a small streaming JSON writer.
 *
 * Output goes to stdout.  Strings are escaped per RFC 8259: quote,
 * backslash and control characters are escaped, valid UTF-8 passes
 * through, and bytes that are not valid UTF-8 are written as \u00XX (the
 * Latin-1 reading of the byte) so the document always stays valid.
 */
#include <stdio.h>
#include <string.h>

#include "lparctl.h"

#define JSON_MAX_DEPTH	16

static struct {
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];
} js;

static void json_indent(void)
{
	int i;

	if (!js.pretty)
		return;
	putchar('\n');
	for (i = 0; i < js.depth; i++)
		fputs("  ", stdout);
}

/* Length of the valid UTF-8 sequence at @s (at most @len bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	size_t n, i;
	__u32 cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static void json_write_string(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	putchar('"');
	while (i < len) {
		unsigned char c = s[i];

		switch (c) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				printf("\\u%04x", c);
				break;
			}
			n = utf8_seq_len(s + i, len - i);
			if (!n) {
				printf("\\u%04x", c);
				break;
			}
			fwrite(s + i, 1, n, stdout);
			i += n;
			continue;
		}
		i++;
	}
	putchar('"');
}

/* Separator, indentation and key before a value. */
static void json_key(const char *key)
{
	if (js.depth > 0) {
		if (!js.first[js.depth])
			putchar(',');
		js.first[js.depth] = false;
		json_indent();
	}
	if (key) {
		json_write_string(key, strlen(key));
		fputs(js.pretty ? ": " : ":", stdout);
	}
}

void json_begin(bool pretty)
{
	js.pretty = pretty;
	js.depth = 0;
}

void json_end(void)
{
	putchar('\n');
	fflush(stdout);
}

static void json_open(const char *key, char c)
{
	json_key(key);
	putchar(c);
	if (js.depth < JSON_MAX_DEPTH - 1)
		js.depth++;
	js.first[js.depth] = true;
}

static void json_close(char c)
{
	bool empty = js.first[js.depth];

	if (js.depth > 0)
		js.depth--;
	if (!empty)
		json_indent();
	putchar(c);
}

void json_obj_open(const char *key)
{
	json_open(key, '{');
}

void json_obj_close(void)
{
	json_close('}');
}

void json_arr_open(const char *key)
{
	json_open(key, '[');
}

void json_arr_close(void)
{
	json_close(']');
}

void json_strn(const char *key, const char *val, size_t len)
{
	json_key(key);
	json_write_string(val, len);
}

void json_str(const char *key, const char *val)
{
	if (!val) {
		json_null(key);
		return;
	}
	json_strn(key, val, strlen(val));
}

void json_u64(const char *key, __u64 val)
{
	json_key(key);
	printf("%llu", val);
}

void json_s64(const char *key, long long val)
{
	json_key(key);
	printf("%lld", val);
}

/* Addresses are strings ("0x40000000"): JSON numbers lose 64-bit precision. */
void json_hex(const char *key, __u64 val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", val);
	json_str(key, buf);
}

void json_bool(const char *key, bool val)
{
	json_key(key);
	fputs(val ? "true" : "false", stdout);
}

void json_null(const char *key)
{
	json_key(key);
	fputs("null", stdout);
}
