/* ui_keymap.c - the curses side of the key table: curses key codes to the table's key ids (keymap.h), and back. */
#include "ui.h"

#include <curses.h>

/* The keys curses reports as KEY_* codes that the table names (characters, controls included, are themselves). */
static const struct {
	int curses;
	unsigned key;
} named_keys[] = {
	{KEY_F(1), KEYMAP_F1}, {KEY_F(5), KEYMAP_F5}, {KEY_F(6), KEYMAP_F6}, {KEY_F(7), KEYMAP_F7},
	{KEY_UP, KEYMAP_UP}, {KEY_DOWN, KEYMAP_DOWN}, {KEY_LEFT, KEYMAP_LEFT}, {KEY_RIGHT, KEYMAP_RIGHT},
	{KEY_HOME, KEYMAP_HOME}, {KEY_END, KEYMAP_END}, {KEY_PPAGE, KEYMAP_PAGE_UP}, {KEY_NPAGE, KEYMAP_PAGE_DOWN},
	{KEY_ENTER, KEYMAP_ENTER}, {KEY_BACKSPACE, KEYMAP_BACKSPACE}, {KEY_DC, KEYMAP_DELETE},
};

unsigned ui_key_id(bool function, unsigned code)
{
	if (!function)
		return code > 0 && code < KEYMAP_NAMED ? code : 0;
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if ((unsigned)named_keys[i].curses == code)
			return named_keys[i].key;
	return 0;
}

bool ui_key_code(unsigned key, bool *function, unsigned *code)
{
	if (key > 0 && key < KEYMAP_NAMED) {
		*function = false;
		*code = key;
		return true;
	}
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++) {
		if (named_keys[i].key == key) {
			*function = true;
			*code = (unsigned)named_keys[i].curses;
			return true;
		}
	}
	return false;
}
