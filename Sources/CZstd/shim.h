/* Declared for static linking only: zdict.h's fastCover training with parameters of one's own, and
 * zstd.h's dictionary prepared in place (by reference to the mapped store, not copied). */
#define ZDICT_STATIC_LINKING_ONLY
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zdict.h>
