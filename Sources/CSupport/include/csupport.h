#ifndef FTS_CSUPPORT_H
#define FTS_CSUPPORT_H

#include <spawn.h>
#include <stddef.h>
#include <stdint.h>

/* CRC-32C (Castagnoli), as used in the index's footers; uses the SSE 4.2 instruction when the CPU has it.
   Start with crc = 0; pass the previous result to continue over more bytes. */
uint32_t fts_crc32c(uint32_t crc, const void *data, size_t length);

/* Atomically exchanges two paths (Linux renameat2 RENAME_EXCHANGE). Returns 0, or an errno value. */
int fts_rename_exchange(const char *from, const char *to);

/* fsync of a directory, so that a rename inside it is durable. Returns 0, or an errno value. */
int fts_fsync_directory(const char *path);

/* A pipe whose two ends close on exec (pipe2 O_CLOEXEC), so that a child started by another thread
   does not hold this one's write end open. Returns 0, or an errno value. */
int fts_pipe_cloexec(int fds[2]);

/* Makes a spawned child close every descriptor from fd up (glibc's posix_spawn_file_actions_addclosefrom_np),
   so that a program fts starts holds none of its files or pipes. Returns 0, or an errno value. */
int fts_spawn_close_from(posix_spawn_file_actions_t *actions, int fd);

#endif
