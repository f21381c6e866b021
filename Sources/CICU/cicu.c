#include "cicu.h"

#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/utypes.h>

struct fts_word_breaker {
    UBreakIterator *iterator;
    UText text;
    int has_text;
    int32_t previous; /* the boundary where the next segment starts */
};

fts_word_breaker *fts_word_breaker_open(const char *locale, int *error) {
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
    *error = 0;
    return breaker;
}

void fts_word_breaker_close(fts_word_breaker *breaker) {
    if (breaker == NULL) return;
    ubrk_close(breaker->iterator);
    if (breaker->has_text) utext_close(&breaker->text);
    free(breaker);
}

int fts_word_breaker_set_text(fts_word_breaker *breaker, const char *utf8, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    /* utext_openUTF8 reuses the caller-owned UText, so no allocation happens per document. */
    utext_openUTF8(&breaker->text, utf8, length, &status);
    if (U_FAILURE(status)) return (int)status;
    breaker->has_text = 1;
    ubrk_setUText(breaker->iterator, &breaker->text, &status);
    if (U_FAILURE(status)) return (int)status;
    breaker->previous = ubrk_first(breaker->iterator);
    return 0;
}

int32_t fts_word_breaker_next(fts_word_breaker *breaker, fts_word *words, int32_t capacity) {
    if (!breaker->has_text) return 0;
    int32_t count = 0;
    while (count < capacity) {
        int32_t boundary = ubrk_next(breaker->iterator);
        if (boundary == UBRK_DONE) break;
        int32_t status = ubrk_getRuleStatus(breaker->iterator);
        if (status >= UBRK_WORD_NUMBER) {
            words[count].start = breaker->previous;
            words[count].end = boundary;
            words[count].kind = status < UBRK_WORD_NUMBER_LIMIT ? FTS_WORD_NUMBER : FTS_WORD_LETTERS;
            count++;
        }
        breaker->previous = boundary;
    }
    return count;
}

const char *fts_icu_error_name(int error) {
    return u_errorName((UErrorCode)error);
}
