/* fuzz_json.h - heapviz's JSON read back by json-c, strictly, for the fuzz harnesses. */
#ifndef HEAPVIZ_FUZZ_JSON_H
#define HEAPVIZ_FUZZ_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Parse exactly len bytes as one JSON value with json-c in strict mode,
 * validating UTF-8, and refuse a raw control character (RFC 8259 allows none
 * in a string, and heapviz's own whitespace is only spaces and line breaks).
 * Returns the value (json_object_put it) or NULL with the reason in why.
 */
static inline struct json_object *fuzz_json_parse(const char *text, size_t len, char *why, size_t why_size)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n') {
			snprintf(why, why_size, "a raw control byte 0x%02x at byte %zu", (unsigned char)text[i], i);
			return NULL;
		}
	struct json_tokener *tokener = json_tokener_new();
	if (tokener == NULL) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	struct json_object *value = json_tokener_parse_ex(tokener, text, (int)len);
	enum json_tokener_error error = json_tokener_get_error(tokener);
	if (value == NULL || error != json_tokener_success || json_tokener_get_parse_end(tokener) != len) {
		snprintf(why, why_size, "json-c: %s at byte %zu",
			 value == NULL ? json_tokener_error_desc(error) : "text after the value",
			 json_tokener_get_parse_end(tokener));
		json_object_put(value);
		value = NULL;
	}
	json_tokener_free(tokener);
	return value;
}

/* The member key of object (NULL when absent or JSON null). */
static inline struct json_object *fuzz_json_get(struct json_object *object, const char *key)
{
	struct json_object *value = NULL;
	return json_object_object_get_ex(object, key, &value) ? value : NULL;
}

/* True when the member key is present, even as null. */
static inline bool fuzz_json_has(struct json_object *object, const char *key)
{
	return json_object_object_get_ex(object, key, NULL);
}

#endif
