//! A direct 2-D convolution for the small unpadded convs of MFCC CNNs.
//!
//! tract lowers a convolution to a packed matrix product over an (lazy)
//! im2col of the input. For the seed CNN's second conv (3×3, 32 → 32 channels
//! on a 64 × 6 plane, 2.3 M multiply-adds) building the im2col panels took a
//! third of the conv's time. [`DirectConv`] skips them: each step broadcasts
//! one weight of four output channels and multiplies it into three vectors
//! of contiguous input (one input row shifted by the kernel column), so the
//! 12 accumulators stay in registers over all `C × KH × KW` taps and the
//! input is read where it lies. The kernel runs under `pulp`'s runtime
//! dispatch (AVX2 + FMA when the CPU has them; no `unsafe` here).
//!
//! Only stride-1, undilated, unpadded, ungrouped f32 NCHW convs with constant
//! weights are replaced, and only where the output rows are at least
//! [`MIN_WIDTH`] wide (narrower rows leave vector lanes idle). The sums run in
//! a different order than tract's (bias first, then input channel, kernel
//! row, kernel column), so results differ from tract's by float rounding.

use pulp::{Simd, WithSimd};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cnn::conv::{Conv, KernelFormat};
use tract_onnx::tract_core::ops::cnn::{PaddingSpec, PoolSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;

use super::simd::arch;

/// Output channels per register tile.
const MB: usize = 4;
/// Input vectors per register tile.
const NV: usize = 2;
/// Narrowest output row worth replacing tract's conv for.
const MIN_WIDTH: usize = 16;

/// `y = conv2d(x, W) + b` over NCHW f32, stride 1, no padding.
#[derive(Debug, Clone)]
pub(crate) struct DirectConv {
    /// Output channels.
    m: usize,
    /// Input channels.
    c: usize,
    /// Kernel height and width.
    kh: usize,
    kw: usize,
    /// Weights per tile of [`MB`] output channels: `[tiles][c·kh·kw][MB]`,
    /// zero for the channels past `m` in the last tile.
    packed: Vec<f32>,
    /// Bias per output channel, zero-padded to whole tiles.
    bias: Vec<f32>,
}

impl PartialEq for DirectConv {
    fn eq(&self, other: &Self) -> bool {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        (self.m, self.c, self.kh, self.kw) == (other.m, other.c, other.kh, other.kw)
            && bits(&self.packed) == bits(&other.packed)
            && bits(&self.bias) == bits(&other.bias)
    }
}

impl Eq for DirectConv {}

impl DirectConv {
    /// From OIHW weights `[m, c, kh, kw]` and `m` biases.
    fn new(m: usize, c: usize, kh: usize, kw: usize, weights: &[f32], bias: &[f32]) -> Self {
        let k = c * kh * kw;
        let tiles = m.div_ceil(MB);
        let mut packed = vec![0f32; tiles * k * MB];
        for (o, w_o) in weights.chunks_exact(k).take(m).enumerate() {
            let (t, mb) = (o / MB, o % MB);
            for (j, &w) in w_o.iter().enumerate() {
                packed[(t * k + j) * MB + mb] = w;
            }
        }
        let mut padded = vec![0f32; tiles * MB];
        padded[..m].copy_from_slice(&bias[..m]);
        DirectConv {
            m,
            c,
            kh,
            kw,
            packed,
            bias: padded,
        }
    }
}

impl Op for DirectConv {
    fn name(&self) -> StaticName {
        "GenreDirectConv".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!(
            "{}→{} channels, kernel {}×{}",
            self.c, self.m, self.kh, self.kw
        )])
    }

    op_as_typed_op!();
}

impl EvalOp for DirectConv {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let &[n, c, h, w] = input.shape() else {
            bail!(
                "GenreDirectConv expects NCHW input, got {:?}",
                input.shape()
            );
        };
        if c != self.c || h < self.kh || w < self.kw {
            bail!(
                "GenreDirectConv: input {:?} does not fit {} channels and a {}×{} kernel",
                input.shape(),
                self.c,
                self.kh,
                self.kw
            );
        }
        let (oh, ow) = (h - self.kh + 1, w - self.kw + 1);
        let mut output = Tensor::zero::<f32>(&[n, self.m, oh, ow])?;
        {
            let x = input.try_as_plain_ram()?;
            let mut y = output.try_as_plain_ram_mut()?;
            let run = Run {
                conv: self,
                x: x.as_slice::<f32>()?,
                y: y.as_slice_mut::<f32>()?,
                h,
                w,
            };
            arch().dispatch(run);
        }
        Ok(tvec!(output.into_tvalue()))
    }
}

impl TypedOp for DirectConv {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let shape = &inputs[0].shape;
        ensure!(shape.rank() == 4, "GenreDirectConv expects NCHW input");
        let (h, w) = (shape[2].to_usize()?, shape[3].to_usize()?);
        ensure!(h >= self.kh && w >= self.kw);
        let out = [
            shape[0].clone(),
            self.m.to_dim(),
            (h - self.kh + 1).to_dim(),
            (w - self.kw + 1).to_dim(),
        ];
        Ok(tvec!(f32::fact(out)))
    }

    as_op!();
}

/// One evaluation: every image of `x` (`[n, c, h, w]`) into `y`.
struct Run<'a> {
    conv: &'a DirectConv,
    x: &'a [f32],
    y: &'a mut [f32],
    h: usize,
    w: usize,
}

impl WithSimd for Run<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let lanes = std::mem::size_of::<S::f32s>() / std::mem::size_of::<f32>();
        if self.w + 1 < self.conv.kw + lanes {
            // Rows narrower than a vector: one lane at a time.
            self.images(pulp::Scalar::new());
        } else {
            self.images(simd);
        }
    }
}

impl Run<'_> {
    #[inline(always)]
    fn images<S: Simd>(self, simd: S) {
        let conv = self.conv;
        let (h, w) = (self.h, self.w);
        let (oh, ow) = (h - conv.kh + 1, w - conv.kw + 1);
        let k = conv.c * conv.kh * conv.kw;
        let lanes = std::mem::size_of::<S::f32s>() / std::mem::size_of::<f32>();
        let mut offsets = Vec::with_capacity(k);
        for c in 0..conv.c {
            for ky in 0..conv.kh {
                let row = (c * h + ky) * w;
                offsets.extend(row..row + conv.kw);
            }
        }
        // Vector `i` of an output row starts at `i × lanes`, the last one at
        // `ow − lanes` (overlapping its neighbour; the overlap is written twice
        // with the same values).
        let vectors = ow.div_ceil(lanes);
        let start = |i: usize| (i * lanes).min(ow - lanes);
        for (x, y) in self
            .x
            .chunks_exact(conv.c * h * w)
            .zip(self.y.chunks_exact_mut(conv.m * oh * ow))
        {
            for (t, (weights, bias)) in conv
                .packed
                .chunks_exact(k * MB)
                .zip(conv.bias.chunks_exact(MB))
                .enumerate()
            {
                let channels = (conv.m - t * MB).min(MB);
                let out = &mut y[t * MB * oh * ow..][..channels * oh * ow];
                for oy in 0..oh {
                    let block = Block {
                        x,
                        weights,
                        bias,
                        offsets: &offsets,
                        row: oy * w,
                    };
                    let out = &mut out[oy * ow..];
                    let stride = oh * ow;
                    let mut i = 0;
                    while i < vectors {
                        match vectors - i {
                            1 => block.store(simd, [start(i)], out, stride, channels),
                            _ => block.store(simd, [start(i), start(i + 1)], out, stride, channels),
                        }
                        i += NV;
                    }
                }
            }
        }
    }
}

/// One register tile: [`MB`] output channels × `V` vectors of output row `oy`.
struct Block<'a> {
    x: &'a [f32],
    weights: &'a [f32],
    bias: &'a [f32],
    /// Offset of each tap `(c, ky, kx)` from its output position.
    offsets: &'a [usize],
    /// Where row `oy` starts in `x`.
    row: usize,
}

impl Block<'_> {
    #[inline(always)]
    fn store<S: Simd, const V: usize>(
        &self,
        simd: S,
        starts: [usize; V],
        out: &mut [f32],
        stride: usize,
        channels: usize,
    ) {
        let lanes = std::mem::size_of::<S::f32s>() / std::mem::size_of::<f32>();
        let acc = self.sums::<S, V>(simd, starts);
        for (mb, acc_m) in acc.iter().enumerate().take(channels) {
            let Some(row) = out.get_mut(mb * stride..) else {
                return;
            };
            for (&s, &a) in starts.iter().zip(acc_m) {
                let (dst, _) = S::as_mut_simd_f32s(&mut row[s..s + lanes]);
                if let Some(d) = dst.first_mut() {
                    *d = a;
                }
            }
        }
    }

    #[inline(always)]
    fn sums<S: Simd, const V: usize>(&self, simd: S, starts: [usize; V]) -> [[S::f32s; V]; MB] {
        let lanes = std::mem::size_of::<S::f32s>() / std::mem::size_of::<f32>();
        let mut acc = [[simd.splat_f32s(0.0); V]; MB];
        for (acc_m, &b) in acc.iter_mut().zip(self.bias) {
            *acc_m = [simd.splat_f32s(b); V];
        }
        let reach = self.offsets.last().copied().unwrap_or(0) + lanes;
        let inputs: [&[f32]; V] = std::array::from_fn(|v| &self.x[self.row + starts[v]..][..reach]);
        for (tap, &off) in self.weights.chunks_exact(MB).zip(self.offsets) {
            let mut xs = [simd.splat_f32s(0.0); V];
            for (xv, input) in xs.iter_mut().zip(&inputs) {
                let (vec, _) = S::as_simd_f32s(&input[off..off + lanes]);
                if let Some(&v) = vec.first() {
                    *xv = v;
                }
            }
            for (acc_m, &wv) in acc.iter_mut().zip(tap) {
                let b = simd.splat_f32s(wv);
                for (a, &xv) in acc_m.iter_mut().zip(&xs) {
                    *a = simd.mul_add_e_f32s(b, xv, *a);
                }
            }
        }
        acc
    }
}

/// Replaces every tract `Conv` of `model` that [`DirectConv`] computes
/// (see the module doc) by one; returns how many.
pub(crate) fn direct_convs(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in model.eval_order()? {
        let node = model.node(id);
        let Some(op) = node.op_as::<Conv>() else {
            continue;
        };
        let Some(direct) = replacement(model, node, op)? else {
            continue;
        };
        let mut patch = TypedModelPatch::new("genre-direct-conv");
        let tap = patch.tap_model(model, node.inputs[0])?;
        let wire = patch.wire_node(&node.name, direct, &[tap])?;
        patch.shunt_outside(model, OutletId::new(node.id, 0), wire[0])?;
        patch.apply(model)?;
        replaced += 1;
    }
    if replaced > 0 {
        model.compact()?;
    }
    Ok(replaced)
}

/// Whether `spec` is a 2-D NCHW window of stride 1, dilation 1, no padding.
fn plain_window(spec: &PoolSpec) -> bool {
    let unpadded = match &spec.padding {
        PaddingSpec::Valid => true,
        PaddingSpec::Explicit(b, a) | PaddingSpec::ExplicitOnnxPool(b, a, false) => {
            b.iter().chain(a).all(|&p| p == 0)
        }
        _ => false,
    };
    spec.data_format == DataFormat::NCHW
        && spec.kernel_shape.len() == 2
        && unpadded
        && spec.strides().iter().all(|&s| s == 1)
        && spec.dilations().iter().all(|&d| d == 1)
}

fn replacement(model: &TypedModel, node: &TypedNode, op: &Conv) -> TractResult<Option<DirectConv>> {
    if op.group != 1
        || op.q_params.is_some()
        || op.kernel_fmt != KernelFormat::OIHW
        || !plain_window(&op.pool_spec)
        || node.inputs.len() != 3
    {
        return Ok(None);
    }
    let input = model.outlet_fact(node.inputs[0])?;
    let kernel = model.outlet_fact(node.inputs[1])?;
    let bias = model.outlet_fact(node.inputs[2])?;
    let (Some(kernel), Some(bias)) = (kernel.konst.as_deref(), bias.konst.as_deref()) else {
        return Ok(None);
    };
    if input.datum_type != f32::datum_type()
        || kernel.datum_type() != f32::datum_type()
        || bias.datum_type() != f32::datum_type()
        || input.rank() != 4
    {
        return Ok(None);
    }
    let &[m, c, kh, kw] = kernel.shape() else {
        return Ok(None);
    };
    let (Ok(ic), Ok(w)) = (input.shape[1].to_usize(), input.shape[3].to_usize()) else {
        return Ok(None);
    };
    if ic != c || m == 0 || kh == 0 || kw == 0 || w < kw || w - kw + 1 < MIN_WIDTH {
        return Ok(None);
    }
    let weights = kernel.try_as_plain_ram()?;
    let weights = weights.as_slice::<f32>()?;
    let bias = bias.try_as_plain_ram()?;
    let bias: Vec<f32> = match bias.as_slice::<f32>()? {
        [b] => vec![*b; m],
        b if b.len() == m => b.to_vec(),
        _ => return Ok(None),
    };
    Ok(Some(DirectConv::new(m, c, kh, kw, weights, &bias)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
            })
            .collect()
    }

    /// Plain f64 convolution.
    fn reference(
        conv: (usize, usize, usize, usize),
        w: &[f32],
        b: &[f32],
        x: &[f32],
        shape: [usize; 4],
    ) -> Vec<f32> {
        let (m, c, kh, kw) = conv;
        let [n, _, h, wd] = shape;
        let (oh, ow) = (h - kh + 1, wd - kw + 1);
        let mut y = vec![0f32; n * m * oh * ow];
        for i in 0..n {
            for o in 0..m {
                for oy in 0..oh {
                    for ox in 0..ow {
                        let mut s = f64::from(b[o]);
                        for ci in 0..c {
                            for ky in 0..kh {
                                for kx in 0..kw {
                                    s += f64::from(w[((o * c + ci) * kh + ky) * kw + kx])
                                        * f64::from(x[((i * c + ci) * h + oy + ky) * wd + ox + kx]);
                                }
                            }
                        }
                        y[((i * m + o) * oh + oy) * ow + ox] = s as f32;
                    }
                }
            }
        }
        y
    }

    #[test]
    fn matches_a_plain_convolution_for_every_geometry() {
        // Output widths below, at and above whole vectors and tiles; channel
        // counts that do and do not fill the last tile.
        for (m, c, kh, kw, shape) in [
            (32, 32, 3, 3, [1, 32, 6, 64]),
            (32, 1, 3, 3, [2, 1, 13, 130]),
            (5, 3, 2, 2, [3, 3, 2, 31]),
            (7, 2, 1, 3, [1, 2, 4, 9]),
            (3, 2, 3, 1, [1, 2, 5, 3]),
            (4, 4, 2, 5, [2, 4, 3, 28]),
        ] {
            let w = values(m * c * kh * kw, 7);
            let b = values(m, 11);
            let x = values(shape.iter().product(), 13);
            let op = DirectConv::new(m, c, kh, kw, &w, &b);
            let input = Tensor::from_shape(&shape, &x).unwrap();
            let out = op
                .eval_out_of_plan(tvec![input.into_tvalue()])
                .unwrap()
                .unwrap();
            let got = out[0]
                .try_as_plain_ram()
                .unwrap()
                .as_slice::<f32>()
                .unwrap()
                .to_vec();
            let want = reference((m, c, kh, kw), &w, &b, &x, shape);
            assert_eq!(
                out[0].shape(),
                &[shape[0], m, shape[2] - kh + 1, shape[3] - kw + 1]
            );
            let err = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            // f32 sums of c·kh·kw products of values in [−1, 1]; a wrong tap
            // or channel would be off by O(1).
            let tolerance = 1e-6 * (c * kh * kw) as f32;
            assert!(err < tolerance, "{m} {c} {kh} {kw} {shape:?}: {err}");
        }
    }
}
