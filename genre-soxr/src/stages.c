/* genre's read-only view of a libsoxr resampler's stages (MIT OR Apache-2.0;
 * not part of libsoxr). genre-core uses it to find where a second, fresh
 * resampler can start so that its output is bit for bit the one stream's
 * (see genre-core/src/audio/resample_grid.rs).
 *
 * `struct soxr` is private to libsoxr's soxr.c: its leading fields are
 * mirrored here, up to `resamplers` (libsoxr 0.1.3, the vendored copy).
 * `struct rate` and `stage_t` come from libsoxr's own cr.h. */

#include "internal.h"
#include "soxr.h"
#include "cr.h"

struct soxr_head {
  unsigned num_channels;
  double io_ratio;
  soxr_error_t error;
  soxr_quality_spec_t q_spec;
  soxr_io_spec_t io_spec;
  soxr_runtime_spec_t runtime_spec;
  void * input_fn_state;
  soxr_input_fn_t input_fn;
  size_t max_ilen;
  void * shared;
  void * * resamplers;
};

/* One stage, as genre_soxr_stages reports it. */
typedef struct {
  int kind;       /* 1 DFT filter, 2 polyphase FIR, 3 half-band FIR, 0 other */
  int L;          /* DFT, polyphase: interpolation factor */
  int step;       /* DFT: decimation (< 0: by 2^-step in the F-domain);
                     polyphase: clock step in 1/L input samples */
  int at;         /* initial clock (integer part) */
  int fractional; /* polyphase: the clock has a fractional part */
  int dft_length, num_taps, preload, pre_post;
} genre_soxr_stage_t;

/* Writes up to `max` stages of channel 0 of `p` to `out`; returns how many
 * stages it has, or -1 when `p` has none (an error state or no channel). */
int genre_soxr_stages(soxr_t p, genre_soxr_stage_t * out, int max)
{
  struct soxr_head const * head = (struct soxr_head const *)p;
  struct rate const * rate;
  int i;
  if (!p || head->error || !head->resamplers || !head->num_channels)
    return -1;
  rate = (struct rate const *)head->resamplers[0];
  if (!rate || !rate->stages)
    return -1;
  for (i = 0; i < rate->num_stages && i < max; ++i) {
    stage_t const * s = &rate->stages[i];
    genre_soxr_stage_t * o = &out[i];
    o->L = s->L;
    o->step = s->step.integer;
    o->at = s->at.integer;
    o->fractional = s->at.fraction != 0 || s->step.fraction != 0 ||
        s->use_hi_prec_clock;
    o->dft_length = o->num_taps = 0;
    o->preload = s->preload;
    o->pre_post = s->pre_post;
    if (s->block_len > 0) {          /* Only dft_stage_init sets block_len. */
      dft_filter_t const * f = &s->shared->dft_filter[s->dft_filter_num];
      o->kind = 1;
      o->dft_length = f->dft_length;
      o->num_taps = f->num_taps;
    } else if (s->L > 0)             /* The polyphase (arbitrary) stage. */
      o->kind = 2;
    else if (s->step.whole == 0 && s->n > 0 && s->pre_post == 4 * s->n)
      o->kind = 3;                   /* Half-band decimation by 2. */
    else
      o->kind = 0;                   /* e.g. the cubic stage: not split. */
  }
  return rate->num_stages;
}
