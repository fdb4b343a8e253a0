/* Force-included into every libsoxr source file by build.rs (not part of
 * the vendored library): libsoxr's malloc/calloc/realloc/free become the
 * functions in src/alloc.rs, which use Rust's global allocator. The system
 * headers are included first, so only libsoxr's own calls are renamed. */
#ifndef GENRE_SOXR_ALLOC_H
#define GENRE_SOXR_ALLOC_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void *genre_soxr_malloc(size_t size);
void *genre_soxr_calloc(size_t count, size_t size);
void *genre_soxr_realloc(void *ptr, size_t size);
void genre_soxr_free(void *ptr);

#define malloc genre_soxr_malloc
#define calloc genre_soxr_calloc
#define realloc genre_soxr_realloc
#define free genre_soxr_free

#endif
