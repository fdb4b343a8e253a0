/* libsoxr build configuration for genre-soxr (written for genre; stands in for
 * the soxr-config.h that libsoxr's CMake generates from soxr-config.h.in).
 *
 * Engines: cr32 (scalar) always; cr32s (SSE + pffft) when build.rs defines
 * WITH_CR32S=1, which it does on x86_64, the configuration python-soxr's
 * wheels use there, so HQ float32 resampling is bit-identical to theirs.
 * No 64-bit engines (HQ with float32 never selects them), no variable-rate
 * engine, no libavcodec. */

#if !defined soxr_config_included
#define soxr_config_included

#define AVCODEC_FOUND 0
#define AVUTIL_FOUND 0
#define WITH_PFFFT 0

#define HAVE_FENV_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_STDINT_H 1
#define HAVE_LRINT 0
#define HAVE_BIGENDIAN 0

#define WITH_CR32 1
#if !defined WITH_CR32S
#define WITH_CR32S 0
#endif
#define WITH_CR64 0
#define WITH_CR64S 0
#define WITH_VR32 0

#define WITH_HI_PREC_CLOCK 0
#define WITH_FLOAT_STD_PREC_CLOCK 0
#define WITH_DEV_TRACE 0

#endif
