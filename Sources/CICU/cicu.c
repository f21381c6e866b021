#include "cicu.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ucnv.h>
#include <unicode/utext.h>
#include <unicode/utypes.h>

/* Segmentation runs chunk by chunk, a chunk being the bytes between two ASCII spaces, tabs or line
   breaks. UAX #29 always breaks next to these (WB3a, WB3b, WB999; WB3d only joins spaces together,
   and WB4 attaches an Extend or Format character that follows one to it, a segment that is no word
   alone or in its text), so every chunk holds the same words alone as in its text. A plain chunk,
   made of letters that ICU's rules keep together (WB5 to WB7), a few punctuation marks that never
   join a word, and hyphens, which always split, is cut here by a scan of its bytes; runs of other
   chunks go through ICU. Most French text is plain chunks, and ICU costs some 700 instructions a
   word. */

enum { SPAN_NONE = 0, SPAN_ACTIVE = 1 };

struct fts_word_breaker {
    UBreakIterator *iterator;
    UText text;
    int has_text;
    int plain_chunks; /* whether plain chunks skip ICU */
    const uint8_t *bytes;
    int32_t length;
    int32_t cursor;   /* where the next chunk is looked for, outside a span */
    int span;         /* SPAN_ACTIVE while ICU segments a run of chunks */
    int32_t span_start; /* where that run starts in the text */
    int32_t previous; /* in a span: the boundary where ICU's next segment starts, relative to span_start */
};

fts_word_breaker *fts_word_breaker_open(const char *locale, int plain_chunks, int *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(UBRK_WORD, locale, NULL, 0, &status);
    if (U_FAILURE(status)) {
        *error = (int)status;
        return NULL;
    }
    fts_word_breaker *breaker = calloc(1, sizeof *breaker);
    if (breaker == NULL) {
        ubrk_close(iterator);
        *error = (int)U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    UText empty = UTEXT_INITIALIZER;
    breaker->text = empty;
    breaker->iterator = iterator;
    breaker->plain_chunks = plain_chunks;
    *error = 0;
    return breaker;
}

void fts_word_breaker_close(fts_word_breaker *breaker) {
    if (breaker == NULL) return;
    ubrk_close(breaker->iterator);
    if (breaker->has_text) utext_close(&breaker->text);
    free(breaker);
}

/* Points ICU at bytes [start, end) of the text. */
static int start_span(fts_word_breaker *breaker, int32_t start, int32_t end) {
    UErrorCode status = U_ZERO_ERROR;
    /* utext_openUTF8 reuses the caller-owned UText, so no allocation happens per span. */
    utext_openUTF8(&breaker->text, (const char *)breaker->bytes + start, end - start, &status);
    if (U_FAILURE(status)) return (int)status;
    breaker->has_text = 1;
    ubrk_setUText(breaker->iterator, &breaker->text, &status);
    if (U_FAILURE(status)) return (int)status;
    breaker->span = SPAN_ACTIVE;
    breaker->span_start = start;
    breaker->previous = ubrk_first(breaker->iterator);
    return 0;
}

int fts_word_breaker_set_text(fts_word_breaker *breaker, const char *utf8, int32_t length) {
    breaker->bytes = (const uint8_t *)utf8;
    breaker->length = length;
    breaker->cursor = 0;
    breaker->span = SPAN_NONE;
    if (!breaker->plain_chunks) return start_span(breaker, 0, length);
    return 0;
}

/* What a byte is to the scan. */
enum { OTHER = 0, DELIMITER = 1, ASCII_LETTER = 2 };

static const uint8_t byte_class[256] = {
    [' '] = DELIMITER, ['\t'] = DELIMITER, ['\n'] = DELIMITER, ['\r'] = DELIMITER,
    ['A' ... 'Z'] = ASCII_LETTER, ['a' ... 'z'] = ASCII_LETTER,
};

static inline int is_delimiter(uint8_t byte) {
    return byte_class[byte] == DELIMITER;
}

/* Bytes of the letter at p (ASCII, Latin-1's À to ÿ but × and ÷, œ and Œ), or 0. All are ALetter:
   WB5 keeps a run of them together. */
static inline int letter_length(const uint8_t *p, const uint8_t *end) {
    uint8_t byte = p[0];
    if (byte_class[byte] == ASCII_LETTER) return 1;
    if (p + 1 < end) {
        uint8_t next = p[1];
        if (byte == 0xC3 && next >= 0x80 && next <= 0xBF && next != 0x97 && next != 0xB7) return 2;
        if (byte == 0xC5 && (next == 0x92 || next == 0x93)) return 2;
    }
    return 0;
}

/* Where the run of ASCII letters from p ends: eight bytes at a time (SWAR), so that a word's end costs
   one unpredictable branch, not one per letter. The first byte of the load is its lowest only on a
   little-endian machine; others take the byte loop. */
static inline const uint8_t *ascii_letters_end(const uint8_t *p, const uint8_t *end) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (end - p >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        uint64_t low7 = (word | 0x2020202020202020ULL) & 0x7F7F7F7F7F7F7F7FULL;
        /* Per byte, no carries: the high bit says low7 >= 'a', then low7 > 'z'. */
        uint64_t from_a = low7 + (0x80 - 0x61) * ones, past_z = low7 + (0x80 - 0x7B) * ones;
        uint64_t not_letter = ~(from_a & ~past_z & ~word) & highs;
        if (not_letter) return p + (__builtin_ctzll(not_letter) >> 3);
        p += 8;
    }
#endif
    while (p < end && byte_class[*p] == ASCII_LETTER) p++;
    return p;
}

/* Bytes of a mark between two letters that WB6 and WB7 keep inside the word: the apostrophe (a
   Single_Quote), the full stop and the right single quotation mark (MidNumLet); or 0. */
static inline int inner_mark_length(const uint8_t *p, const uint8_t *end) {
    if (p[0] == 0x27 || p[0] == 0x2E) return 1;
    if (p[0] == 0xE2 && p + 2 < end && p[1] == 0x80 && p[2] == 0x99) return 3;
    return 0;
}

/* Bytes of an opening mark that is no word and joins none (WB999): ( [ " «. */
static inline int opening_length(const uint8_t *p, const uint8_t *end) {
    if (p[0] == 0x28 || p[0] == 0x5B || p[0] == 0x22) return 1;
    if (p[0] == 0xC2 && p + 1 < end && p[1] == 0xAB) return 2;
    return 0;
}

/* Bytes of a closing mark, followed by nothing but other closing marks: ) ] " » , ; : . ! ?. The
   full stop and the colon join two letters (WB6, WB7), and the comma and semicolon two digits (WB11,
   WB12), never a letter and a space. */
static inline int closing_length(const uint8_t *p, const uint8_t *end) {
    switch (p[0]) {
    case 0x29: case 0x5D: case 0x22: case 0x2C: case 0x3B: case 0x3A: case 0x2E: case 0x21: case 0x3F:
        return 1;
    case 0xC2:
        return p + 1 < end && p[1] == 0xBB ? 2 : 0;
    default:
        return 0;
    }
}

enum { NOT_PLAIN = -1, TOO_MANY_WORDS = -2 };

/* Writes the words of the chunk starting at `start` (a byte that is no delimiter) when it is plain,
   sets *end to where it ends (a delimiter or the end of the text), and returns how many; or NOT_PLAIN,
   or TOO_MANY_WORDS when it holds more than `capacity` (then what was written does not count, and
   *end is not set). */
static int32_t plain_chunk_words(const uint8_t *bytes, int32_t start, int32_t length, fts_word *words,
                                 int32_t capacity, int32_t *end) {
    const uint8_t *p = bytes + start, *stop = bytes + length;
    int size;
    while (p < stop && (size = opening_length(p, stop)) > 0) p += size;
    int32_t count = 0;
    for (;;) {
        const uint8_t *word = p;
        int32_t kind = FTS_WORD_ONLY_LETTERS;
        if (p >= stop || (size = letter_length(p, stop)) == 0) return NOT_PLAIN;
        p += size;
        for (;;) {
            p = ascii_letters_end(p, stop);
            if (p < stop && (size = letter_length(p, stop)) > 0) {
                p += size;
                continue;
            }
            int mark;
            if (p < stop && (mark = inner_mark_length(p, stop)) > 0 && p + mark < stop
                && letter_length(p + mark, stop) > 0) {
                p += mark;
                kind = FTS_WORD_LETTERS;
                continue;
            }
            break;
        }
        if (count == capacity) return TOO_MANY_WORDS;
        words[count].start = (int32_t)(word - bytes);
        words[count].end = (int32_t)(p - bytes);
        words[count].kind = kind;
        count++;
        /* A hyphen-minus is no MidLetter: ICU breaks on both sides of it. */
        if (p + 1 < stop && p[0] == 0x2D && letter_length(p + 1, stop) > 0) {
            p += 1;
            continue;
        }
        break;
    }
    while (p < stop && (size = closing_length(p, stop)) > 0) p += size;
    if (p < stop && !is_delimiter(*p)) return NOT_PLAIN;
    *end = (int32_t)(p - bytes);
    return count;
}

static inline int32_t chunk_end(const uint8_t *bytes, int32_t from, int32_t length) {
    while (from < length && !is_delimiter(bytes[from])) from++;
    return from;
}

int32_t fts_word_breaker_next(fts_word_breaker *breaker, fts_word *words, int32_t capacity) {
    int32_t count = 0;
    while (count < capacity) {
        if (breaker->span == SPAN_ACTIVE) {
            int32_t boundary = ubrk_next(breaker->iterator);
            if (boundary == UBRK_DONE) {
                breaker->span = SPAN_NONE;
                continue;
            }
            int32_t status = ubrk_getRuleStatus(breaker->iterator);
            if (status >= UBRK_WORD_NUMBER) {
                words[count].start = breaker->span_start + breaker->previous;
                words[count].end = breaker->span_start + boundary;
                words[count].kind = status < UBRK_WORD_NUMBER_LIMIT ? FTS_WORD_NUMBER : FTS_WORD_LETTERS;
                count++;
            }
            breaker->previous = boundary;
            continue;
        }
        if (!breaker->plain_chunks) break;
        const uint8_t *bytes = breaker->bytes;
        int32_t length = breaker->length, cursor = breaker->cursor;
        while (cursor < length && is_delimiter(bytes[cursor])) cursor++;
        breaker->cursor = cursor;
        if (cursor >= length) break;
        int32_t end;
        int32_t found = plain_chunk_words(bytes, cursor, length, words + count, capacity - count, &end);
        if (found >= 0) {
            count += found;
            breaker->cursor = end;
            continue;
        }
        if (found == TOO_MANY_WORDS && count > 0) break; /* the next batch takes it */
        /* ICU takes this chunk and the chunks after it up to the next plain one, which is then
           scanned twice. */
        int32_t span_end = chunk_end(bytes, cursor, length);
        fts_word scratch[64];
        for (;;) {
            int32_t next = span_end;
            while (next < length && is_delimiter(bytes[next])) next++;
            if (next >= length || plain_chunk_words(bytes, next, length, scratch, 64, &end) >= 0) break;
            span_end = chunk_end(bytes, next, length);
        }
        int status = start_span(breaker, cursor, span_end);
        if (status != 0) return -status; /* ICU's error code, negated */
        breaker->cursor = span_end;
    }
    return count;
}

const char *fts_icu_error_name(int error) {
    return u_errorName((UErrorCode)error);
}

int32_t fts_convert_to_utf8(const char *charset, const char *text, int32_t length, char *utf8, int32_t capacity) {
    UErrorCode error = U_ZERO_ERROR;
    int32_t written = ucnv_convert("UTF-8", charset, utf8, capacity, text, length, &error);
    if (error == U_BUFFER_OVERFLOW_ERROR || error == U_STRING_NOT_TERMINATED_WARNING) return written;
    return U_FAILURE(error) ? -1 : written;
}
