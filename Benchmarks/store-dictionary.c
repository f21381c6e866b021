/* What a zstd dictionary does to an index's store (BENCHMARKS.md, "A zstd dictionary for the
 * store"): reads store.fts (format 13: its dictionary, then its blocks), takes its records back out of
 * their blocks, and compresses them again at zstd level 3 in each layout below, reporting sizes, the
 * time to train and to compress, and the time to fetch ten documents spread over the corpus
 * (decompressing what each layout must). Times are medians of RUNS repetitions, every layout measured
 * in the same run.
 *
 *   cc -O2 -o /tmp/store-dictionary Benchmarks/store-dictionary.c -lzstd
 *   /tmp/store-dictionary FRDOCS_INDEX/store.fts [RUNS]
 */
#define ZSTD_STATIC_LINKING_ONLY
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *values, int count) {
    qsort(values, count, sizeof *values, compare);
    return values[count / 2];
}

static void fail(const char *what) {
    fprintf(stderr, "store-dictionary: %s\n", what);
    exit(1);
}

static uint64_t u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static size_t vint(const unsigned char *p, size_t *at) {
    size_t value = 0;
    for (int shift = 0;; shift += 7) {
        unsigned char byte = p[(*at)++];
        value |= (size_t)(byte & 0x7F) << shift;
        if (byte < 0x80) return value;
    }
}

/* Records: the documents in order, each its bytes as a block holds them after its length. */
static unsigned char **record;
static size_t *length;
static int records;

static void readStore(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) fail("cannot open the store");
    fseek(file, 0, SEEK_END);
    size_t size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *bytes = malloc(size);
    if (fread(bytes, 1, size, file) != size) fail("cannot read the store");
    fclose(file);
    /* docs/FORMAT.md: a 32-byte header, the body, an 8-byte footer; the body starts with the
     * dictionary and ends with u32 dictionaryLength, u64 blockIndexOffset, u32 blockCount,
     * u32 documentCount, after blockCount × {u32, u64}. */
    const unsigned char *trailer = bytes + size - 8 - 20;
    uint32_t dictionaryLength = u32(trailer);
    uint64_t indexOffset = u64(trailer + 4);
    uint32_t blocks = u32(trailer + 12);
    records = (int)u32(trailer + 16);
    ZSTD_DCtx *context = ZSTD_createDCtx();
    ZSTD_DDict *stored = dictionaryLength ? ZSTD_createDDict(bytes + 32, dictionaryLength) : NULL;
    record = malloc(records * sizeof *record);
    length = malloc(records * sizeof *length);
    int doc = 0;
    for (uint32_t block = 0; block < blocks; block++) {
        uint64_t start = u64(bytes + indexOffset + 12 * block + 4);
        uint64_t end = block + 1 < blocks ? u64(bytes + indexOffset + 12 * (block + 1) + 4) : indexOffset;
        unsigned long long plainSize = ZSTD_getFrameContentSize(bytes + start, end - start);
        unsigned char *plain = malloc(plainSize);
        if (ZSTD_decompress_usingDDict(context, plain, plainSize, bytes + start, end - start, stored) != plainSize)
            fail("a block does not decompress");
        for (size_t at = 0; at < plainSize && doc < records; doc++) {
            length[doc] = vint(plain, &at);
            record[doc] = plain + at;
            at += length[doc];
        }
    }
    if (doc != records) fail("fewer records than documents");
}

/* Blocks as the store makes them: records (with their lengths) until a block holds `threshold`. */
typedef struct {
    int count;
    int *blockOf;
    unsigned char **frame;
    size_t *frameSize;
    size_t total;
} Blocks;

/* With a dictionary (NULL: none), its id left out of the frames, as store.fts does. */
static Blocks compressBlocks(size_t threshold, const void *dictionary, size_t dictionarySize, double *seconds) {
    Blocks b = {0, malloc(records * sizeof(int)), malloc(records * sizeof(void *)), malloc(records * sizeof(size_t)), 0};
    unsigned char *plain = malloc(1 << 24);
    ZSTD_CCtx *context = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(context, ZSTD_c_dictIDFlag, 0);
    ZSTD_CDict *prepared = dictionary ? ZSTD_createCDict(dictionary, dictionarySize, 3) : NULL;
    if (prepared) ZSTD_CCtx_refCDict(context, prepared);
    size_t filled = 0;
    double started = now();
    for (int doc = 0; doc < records; doc++) {
        size_t at = filled, value = length[doc];
        do { plain[at++] = (value & 0x7F) | (value >= 0x80 ? 0x80 : 0); value >>= 7; } while (value);
        memcpy(plain + at, record[doc], length[doc]);
        filled = at + length[doc];
        b.blockOf[doc] = b.count;
        if (filled >= threshold || doc == records - 1) {
            size_t bound = ZSTD_compressBound(filled);
            b.frame[b.count] = malloc(bound);
            b.frameSize[b.count] = ZSTD_compress2(context, b.frame[b.count], bound, plain, filled);
            if (ZSTD_isError(b.frameSize[b.count])) fail("compression failed");
            b.total += b.frameSize[b.count];
            b.count++;
            filled = 0;
        }
    }
    *seconds = now() - started;
    ZSTD_freeCDict(prepared);
    ZSTD_freeCCtx(context);
    free(plain);
    return b;
}

/* A frame per record, with a dictionary (NULL: none), no checksum and no dictionary id. */
static size_t compressRecords(const void *dictionary, size_t dictionarySize, unsigned char **frame, size_t *frameSize,
                              double *seconds) {
    ZSTD_CCtx *context = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(context, ZSTD_c_dictIDFlag, 0);
    ZSTD_CDict *prepared = dictionary ? ZSTD_createCDict(dictionary, dictionarySize, 3) : NULL;
    if (prepared) ZSTD_CCtx_refCDict(context, prepared);
    size_t total = 0;
    double started = now();
    for (int doc = 0; doc < records; doc++) {
        size_t bound = ZSTD_compressBound(length[doc]);
        if (!frame[doc]) frame[doc] = malloc(bound);
        frameSize[doc] = ZSTD_compress2(context, frame[doc], bound, record[doc], length[doc]);
        if (ZSTD_isError(frameSize[doc])) fail("compression failed");
        total += frameSize[doc];
    }
    *seconds = now() - started;
    ZSTD_freeCDict(prepared);
    ZSTD_freeCCtx(context);
    return total;
}

/* A dictionary of `capacity` bytes trained on the records `first, first + step, …` below `limit`,
 * by zstd's default trainer, or by fastCover with store.fts's fixed parameters. */
static size_t train(void *dictionary, size_t capacity, int first, int step, int limit, int fastCover, double *seconds) {
    size_t bytes = 0;
    int samples = 0;
    for (int doc = first; doc < limit; doc += step) { bytes += length[doc]; samples++; }
    unsigned char *joined = malloc(bytes);
    size_t *sizes = malloc(samples * sizeof *sizes);
    size_t at = 0;
    samples = 0;
    for (int doc = first; doc < limit; doc += step) {
        memcpy(joined + at, record[doc], length[doc]);
        at += length[doc];
        sizes[samples++] = length[doc];
    }
    double started = now();
    ZDICT_fastCover_params_t parameters;
    memset(&parameters, 0, sizeof parameters);
    parameters.k = 200;
    parameters.d = 8;
    parameters.f = 20;
    parameters.accel = 1;
    parameters.zParams.compressionLevel = 3;
    size_t size = fastCover ? ZDICT_trainFromBuffer_fastCover(dictionary, capacity, joined, sizes, samples, parameters)
                            : ZDICT_trainFromBuffer(dictionary, capacity, joined, sizes, samples);
    *seconds = now() - started;
    if (ZDICT_isError(size)) fail(ZDICT_getErrorName(size));
    free(joined);
    free(sizes);
    return size;
}

/* The ten documents a page of hits might hold: spread over the corpus. */
static int hit(int round, int index) { return (index * 1031 + round * 7) % records; }

/* Seconds to decompress the blocks of a page of 10 hits, the mean over 100 pages. */
static double fetch(const Blocks *blocks, ZSTD_DCtx *context, unsigned char *out, const ZSTD_DDict *dictionary) {
    double started = now();
    for (int round = 0; round < 100; round++)
        for (int index = 0; index < 10; index++) {
            int block = blocks->blockOf[hit(round, index)];
            if (ZSTD_isError(ZSTD_decompress_usingDDict(context, out, 1 << 24, blocks->frame[block], blocks->frameSize[block], dictionary)))
                fail("a block does not decompress");
        }
    return (now() - started) / 100;
}

int main(int argc, char **argv) {
    if (argc < 2) fail("usage: store-dictionary STORE.fts [RUNS]");
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    readStore(argv[1]);
    size_t raw = 0;
    for (int doc = 0; doc < records; doc++) raw += length[doc];

    double seconds, blockSeconds[64], perDocSeconds[64], trainSeconds[64], dictSeconds[64], fetchBlocks[64], fetchDict[64], ddictSetUp[64];
    double fastCoverSeconds[64], dictBlockSeconds[64], fetchDictBlocks[3][64], fetchBlocks8[64], fetchBlocks4[64];
    Blocks blocks16 = compressBlocks(16 << 10, NULL, 0, &seconds);
    Blocks blocks8 = compressBlocks(8 << 10, NULL, 0, &seconds);
    Blocks blocks4 = compressBlocks(4 << 10, NULL, 0, &seconds);
    static unsigned char defaultBlockDictionary[114688], blockDictionary[114688];
    size_t defaultBlockSize = train(defaultBlockDictionary, sizeof defaultBlockDictionary, 0, 30, records, 0, &seconds);
    Blocks defaultDictBlocks = compressBlocks(16 << 10, defaultBlockDictionary, defaultBlockSize, &seconds);
    size_t blockDictionarySize = train(blockDictionary, sizeof blockDictionary, 0, 30, records, 1, &seconds);
    Blocks dictBlocks[3];
    for (int size = 0; size < 3; size++) dictBlocks[size] = compressBlocks((16 << 10) >> size, blockDictionary, blockDictionarySize, &seconds);
    ZSTD_DDict *blockPrepared = ZSTD_createDDict_byReference(blockDictionary, blockDictionarySize);
    unsigned char **frame = calloc(records, sizeof *frame);
    size_t *frameSize = malloc(records * sizeof *frameSize);
    size_t plainFrames = compressRecords(NULL, 0, frame, frameSize, &seconds);
    static unsigned char firstDictionary[65536], dictionary[65536];
    int firstLimit = 0;
    for (size_t bytes = 0; firstLimit < records && bytes < (1 << 20); firstLimit++) bytes += length[firstLimit];
    size_t firstSize = train(firstDictionary, sizeof firstDictionary, 0, 1, firstLimit, 0, &seconds);
    size_t fromFirst = compressRecords(firstDictionary, firstSize, frame, frameSize, &seconds);
    size_t dictionarySize = 0, withDictionary = 0;

    unsigned char *out = malloc(1 << 24);
    ZSTD_DCtx *decompression = ZSTD_createDCtx();
    if (runs > 64) runs = 64;
    for (int run = 0; run < runs; run++) {
        Blocks again = compressBlocks(16 << 10, NULL, 0, &blockSeconds[run]);
        for (int b = 0; b < again.count; b++) free(again.frame[b]);
        train(blockDictionary, sizeof blockDictionary, 0, 30, records, 1, &fastCoverSeconds[run]);
        again = compressBlocks(16 << 10, blockDictionary, blockDictionarySize, &dictBlockSeconds[run]);
        for (int b = 0; b < again.count; b++) free(again.frame[b]);
        dictionarySize = train(dictionary, sizeof dictionary, 0, 30, records, 0, &trainSeconds[run]);
        compressRecords(NULL, 0, frame, frameSize, &perDocSeconds[run]);
        withDictionary = compressRecords(dictionary, dictionarySize, frame, frameSize, &dictSeconds[run]);
        double started = now();
        ZSTD_DDict *prepared = ZSTD_createDDict_byReference(dictionary, dictionarySize);
        ddictSetUp[run] = now() - started;
        /* 100 pages of 10 hits each way, in turn. */
        fetchBlocks[run] = fetch(&blocks16, decompression, out, NULL);
        fetchBlocks8[run] = fetch(&blocks8, decompression, out, NULL);
        fetchBlocks4[run] = fetch(&blocks4, decompression, out, NULL);
        for (int size = 0; size < 3; size++) fetchDictBlocks[size][run] = fetch(&dictBlocks[size], decompression, out, blockPrepared);
        started = now();
        for (int round = 0; round < 100; round++)
            for (int index = 0; index < 10; index++) {
                int doc = hit(round, index);
                if (ZSTD_decompress_usingDDict(decompression, out, 1 << 24, frame[doc], frameSize[doc], prepared) != length[doc])
                    fail("a record does not decompress");
            }
        fetchDict[run] = (now() - started) / 100;
        ZSTD_freeDDict(prepared);
    }

    printf("%d records, %zu bytes; zstd %s, level 3; times are medians of %d runs\n\n", records, raw, ZSTD_versionString(), runs);
    printf("| layout | compressed bytes | ÷ blocks of 16 KiB |\n|---|---:|---:|\n");
    printf("| blocks of ≥ 16 KiB, no dictionary (as store.fts before format 13) | %zu | 1.00 |\n", blocks16.total);
    printf("| blocks of ≥ 8 KiB | %zu | %.2f |\n", blocks8.total, (double)blocks8.total / blocks16.total);
    printf("| blocks of ≥ 4 KiB | %zu | %.2f |\n", blocks4.total, (double)blocks4.total / blocks16.total);
    printf("| blocks of ≥ 16 KiB, %zu-byte dictionary trained by zstd's default on every 30th record | %zu + %zu | %.2f |\n",
           defaultBlockSize, defaultDictBlocks.total, defaultBlockSize, (double)(defaultDictBlocks.total + defaultBlockSize) / blocks16.total);
    for (int size = 0; size < 3; size++)
        printf("| blocks of ≥ %d KiB, %zu-byte dictionary trained by fastCover (k 200, d 8) on every 30th record%s | %zu + %zu | %.2f |\n",
               16 >> size, blockDictionarySize, size == 1 ? " (as store.fts since format 13)" : "", dictBlocks[size].total, blockDictionarySize,
               (double)(dictBlocks[size].total + blockDictionarySize) / blocks16.total);
    printf("| a frame per record, no dictionary | %zu | %.2f |\n", plainFrames, (double)plainFrames / blocks16.total);
    printf("| a frame per record, %zu-byte dictionary trained on the first %d records (1 MiB) | %zu + %zu | %.2f |\n",
           firstSize, firstLimit, fromFirst, firstSize, (double)(fromFirst + firstSize) / blocks16.total);
    printf("| a frame per record, %zu-byte dictionary trained on every 30th record | %zu + %zu | %.2f |\n\n",
           dictionarySize, withDictionary, dictionarySize, (double)(withDictionary + dictionarySize) / blocks16.total);
    printf("| measure (median) | seconds |\n|---|---:|\n");
    printf("| compress into blocks of 16 KiB | %.3f |\n", median(blockSeconds, runs));
    printf("| train a 112 KiB dictionary by fastCover (every 30th record) | %.3f |\n", median(fastCoverSeconds, runs));
    printf("| compress into blocks of 16 KiB with it | %.3f |\n", median(dictBlockSeconds, runs));
    printf("| train a 64 KiB dictionary by zstd's default (every 30th record) | %.3f |\n", median(trainSeconds, runs));
    printf("| compress a frame per record, no dictionary | %.3f |\n", median(perDocSeconds, runs));
    printf("| compress a frame per record, with the dictionary | %.3f |\n", median(dictSeconds, runs));
    printf("| fetch 10 documents: their 16 KiB blocks decompressed | %.6f |\n", median(fetchBlocks, runs));
    printf("| fetch 10 documents: their 8 KiB blocks decompressed | %.6f |\n", median(fetchBlocks8, runs));
    printf("| fetch 10 documents: their 4 KiB blocks decompressed | %.6f |\n", median(fetchBlocks4, runs));
    for (int size = 0; size < 3; size++)
        printf("| fetch 10 documents: their %d KiB blocks decompressed with the 112 KiB dictionary | %.6f |\n", 16 >> size,
               median(fetchDictBlocks[size], runs));
    printf("| fetch 10 documents: their frames decompressed with the 64 KiB dictionary | %.6f |\n", median(fetchDict, runs));
    printf("| set up the dictionary for decompression (once a process) | %.6f |\n", median(ddictSetUp, runs));
    return 0;
}
