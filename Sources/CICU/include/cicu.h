#ifndef FTS_CICU_H
#define FTS_CICU_H

#include <stdint.h>

/* A small, opaque API over ICU's word break iterator. ICU's own headers stay inside cicu.c: they clash
   with Foundation's private ICU, and ICU's versioned symbol names (ubrk_open_72) are invisible to Swift. */

typedef struct fts_word_breaker fts_word_breaker;

/* What ICU's rule status says a segment is. Spaces and punctuation are never reported. Words of the
   plain-chunk scan that hold only letters (no apostrophe or full stop inside) say so. */
enum { FTS_WORD_NUMBER = 1, FTS_WORD_LETTERS = 2, FTS_WORD_ONLY_LETTERS = 3 };

typedef struct {
    int32_t start; /* byte offset of the first byte, in the UTF-8 text */
    int32_t end;   /* byte offset one past the last byte */
    int32_t kind;  /* FTS_WORD_NUMBER, FTS_WORD_LETTERS or FTS_WORD_ONLY_LETTERS */
} fts_word;

/* Opens a word breaker for a locale such as "fr". With plain_chunks set, the chunks between ASCII spaces
   that are plain words (Latin letters, apostrophes, hyphens, surrounding punctuation) are segmented
   without ICU, exactly as ICU would; with it clear, every byte goes through ICU. Returns NULL and sets
   *error to ICU's code on failure. */
fts_word_breaker *fts_word_breaker_open(const char *locale, int plain_chunks, int *error);

void fts_word_breaker_close(fts_word_breaker *breaker);

/* Segments the UTF-8 text in place (no copy, no UTF-16 conversion): the bytes must stay alive and
   unchanged until the next call to fts_word_breaker_set_text. Returns 0, or ICU's error code. */
int fts_word_breaker_set_text(fts_word_breaker *breaker, const char *utf8, int32_t length);

/* Writes up to capacity words, in text order, and returns how many; 0 once the text is exhausted, and
   ICU's error code negated if ICU fails. */
int32_t fts_word_breaker_next(fts_word_breaker *breaker, fts_word *words, int32_t capacity);

/* Converts text in a charset ICU knows by that name (an IANA or MIME label: koi8-r, gb2312, big5,
   windows-1256, iso-2022-jp…) to UTF-8, what it cannot map as U+FFFD. Writes at most capacity bytes to
   utf8 and returns the whole UTF-8 length, more than capacity when it did not fit (call again with that
   much room); -1 when ICU knows no such charset. */
int32_t fts_convert_to_utf8(const char *charset, const char *text, int32_t length, char *utf8, int32_t capacity);

/* ICU's name for an error code, for messages. */
const char *fts_icu_error_name(int error);

#endif
