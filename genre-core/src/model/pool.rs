//! A faster 2-D max-pool for the narrow NCHW planes of MFCC CNNs, with the
//! preceding ReLU fused in.
//!
//! tract's `OptMaxPool` walks each output row tap by tap; on a `[32, 128, 11]`
//! plane (130 frames × 13 MFCC after a 3×3 conv) every row is 11 values wide, so
//! the per-tap bookkeeping dominates: it was ~40 % of the seed CNN's run time.
//! [`ReluMaxPool`] takes the window's vertical maximum over whole input rows
//! (contiguous, vectorised) and then the horizontal maximum over the short
//! row. `MaxPool(Relu(x)) == max(0, MaxPool(x))` (max is monotone), so a ReLU
//! feeding the pool is folded in by starting the maximum at 0, saving a pass.
//!
//! Out-of-range taps are skipped, as ONNX `MaxPool` pads with −∞; the output
//! size and padding come from tract's own `PoolSpec`, so every padding mode
//! (`VALID`, `SAME_*`, explicit, `ceil_mode`) matches tract's.

use pulp::{Simd, WithSimd};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::array::{Pad, PadMode};
use tract_onnx::tract_core::ops::binary::{OptBinByScalar, TypedBinOp};
use tract_onnx::tract_core::ops::cnn::{MaxPool, OptMaxPool, PaddingSpec, PoolSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;

use super::simd::arch;

/// `max(floor, MaxPool2d(x))` over an NCHW f32 tensor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ReluMaxPool {
    pool_spec: PoolSpec,
    /// Whether a ReLU before the pool is fused (the maximum starts at 0).
    relu: bool,
}

impl Op for ReluMaxPool {
    fn name(&self) -> StaticName {
        if self.relu {
            "GenreReluMaxPool".into()
        } else {
            "GenreMaxPool".into()
        }
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(self.pool_spec.info())
    }

    op_as_typed_op!();
}

impl EvalOp for ReluMaxPool {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let &[n, c, h, w] = input.shape() else {
            bail!("GenreMaxPool expects NCHW input, got {:?}", input.shape());
        };
        let pads = self.pool_spec.computed_padding(&[h, w]);
        let geometry = Geometry {
            h,
            w,
            oh: pads[0].convoluted,
            ow: pads[1].convoluted,
            pad_top: pads[0].pad_before,
            pad_left: pads[1].pad_before,
            kernel: [
                self.pool_spec.kernel_shape[0],
                self.pool_spec.kernel_shape[1],
            ],
            strides: [self.pool_spec.strides()[0], self.pool_spec.strides()[1]],
            dilations: [self.pool_spec.dilations()[0], self.pool_spec.dilations()[1]],
        };
        let mut output = Tensor::zero::<f32>(&[n, c, geometry.oh, geometry.ow])?;
        {
            let x = input.try_as_plain_ram()?;
            let mut y = output.try_as_plain_ram_mut()?;
            let floor = if self.relu { 0.0 } else { f32::MIN };
            arch().dispatch(PoolRun {
                geometry: &geometry,
                x: x.as_slice::<f32>()?,
                y: y.as_slice_mut::<f32>()?,
                floor,
            });
        }
        Ok(tvec!(output.into_tvalue()))
    }
}

impl TypedOp for ReluMaxPool {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        self.pool_spec.output_facts(inputs)
    }

    as_op!();
}

/// One evaluation, compiled for the CPU's best instruction set.
struct PoolRun<'a> {
    geometry: &'a Geometry,
    x: &'a [f32],
    y: &'a mut [f32],
    floor: f32,
}

impl WithSimd for PoolRun<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        self.geometry.pool(self.x, self.y, self.floor);
    }
}

/// One pooling geometry over `h × w` planes.
struct Geometry {
    h: usize,
    w: usize,
    oh: usize,
    ow: usize,
    pad_top: usize,
    pad_left: usize,
    kernel: [usize; 2],
    strides: [usize; 2],
    dilations: [usize; 2],
}

/// One kernel tap along an axis: the outputs `lo..hi` read the inputs
/// `start, start + stride, …`.
#[derive(Debug, Clone, Copy)]
struct Span {
    lo: usize,
    hi: usize,
    start: usize,
}

impl Geometry {
    /// The in-range output span of each of `kernel` taps along one axis.
    fn spans(
        outputs: usize,
        kernel: usize,
        stride: usize,
        dilation: usize,
        pad: usize,
        len: usize,
    ) -> Vec<Span> {
        (0..kernel)
            .filter_map(|k| {
                // Output o reads input o × stride + k × dilation − pad.
                let offset = k * dilation;
                let lo = pad.saturating_sub(offset).div_ceil(stride);
                let last = (len + pad).checked_sub(offset + 1)?;
                let hi = (last / stride + 1).min(outputs);
                (lo < hi).then(|| Span {
                    lo,
                    hi,
                    start: lo * stride + offset - pad,
                })
            })
            .collect()
    }

    /// Pools every plane of `x` into `y`, each maximum starting at `floor`.
    ///
    /// Per output row: the vertical maximum of the window's input rows goes
    /// into a row buffer whose horizontal padding holds `floor` (a tap there
    /// changes no maximum that starts at `floor`); then every horizontal
    /// window position's maximum over that buffer (contiguous, vectorised),
    /// and the outputs take every `stride`-th of those (every output is
    /// written, so `y` needs no initial fill).
    #[inline(always)]
    fn pool(&self, x: &[f32], y: &mut [f32], floor: f32) {
        let (h, w, oh, ow) = (self.h, self.w, self.oh, self.ow);
        if h * w == 0 || oh * ow == 0 {
            y.fill(floor);
            return;
        }
        let rows = Self::spans(
            oh,
            self.kernel[0],
            self.strides[0],
            self.dilations[0],
            self.pad_top,
            h,
        );
        let (sh, sw) = (self.strides[0], self.strides[1]);
        let (kw, dw, left) = (self.kernel[1], self.dilations[1], self.pad_left);
        // Window position j covers padded[j + k dw], k < kw; outputs read
        // positions 0, sw, 2 sw, …
        let positions = (ow - 1) * sw + 1;
        let reach = positions + (kw.max(1) - 1) * dw;
        let mut padded = vec![floor; reach.max(left + w)];
        let mut window = vec![floor; positions];
        for (plane, out) in x.chunks_exact(h * w).zip(y.chunks_exact_mut(oh * ow)) {
            for (oy, out_row) in out.chunks_exact_mut(ow).enumerate() {
                let column_max = &mut padded[left..left + w];
                let mut taps = rows
                    .iter()
                    .filter(|s| (s.lo..s.hi).contains(&oy))
                    .map(|span| {
                        let iy = span.start + (oy - span.lo) * sh;
                        &plane[iy * w..(iy + 1) * w]
                    });
                match (taps.next(), taps.next(), taps.next()) {
                    (Some(a), Some(b), Some(c)) => {
                        for (((m, &x), &y), &z) in column_max.iter_mut().zip(a).zip(b).zip(c) {
                            let v = if floor < x { x } else { floor };
                            let v = if v < y { y } else { v };
                            *m = if v < z { z } else { v };
                        }
                    }
                    (Some(a), Some(b), None) => {
                        for ((m, &x), &y) in column_max.iter_mut().zip(a).zip(b) {
                            let v = if floor < x { x } else { floor };
                            *m = if v < y { y } else { v };
                        }
                    }
                    (Some(a), None, _) => {
                        for (m, &x) in column_max.iter_mut().zip(a) {
                            *m = if floor < x { x } else { floor };
                        }
                    }
                    _ => column_max.fill(floor),
                }
                for row in taps {
                    for (m, &v) in column_max.iter_mut().zip(row) {
                        *m = if *m < v { v } else { *m };
                    }
                }
                horizontal_max(&mut window, &padded, kw, dw);
                if sw == 2 {
                    every_other(out_row, &window);
                } else {
                    for (o, &v) in out_row.iter_mut().zip(window.iter().step_by(sw)) {
                        *o = v;
                    }
                }
            }
        }
    }
}

/// `window[j] = max(padded[j + k dw] for k < kw)`. The common kernels are
/// written as one expression per position, which the compiler vectorises
/// (a `*m = max(*m, v)` pass per tap becomes masked stores).
#[inline(always)]
fn horizontal_max(window: &mut [f32], padded: &[f32], kw: usize, dw: usize) {
    let max = |a: f32, b: f32| if a < b { b } else { a };
    match kw {
        0 | 1 => window.copy_from_slice(&padded[..window.len()]),
        2 => {
            for ((m, &a), &b) in window.iter_mut().zip(padded).zip(&padded[dw..]) {
                *m = max(a, b);
            }
        }
        3 => {
            for (((m, &a), &b), &c) in window
                .iter_mut()
                .zip(padded)
                .zip(&padded[dw..])
                .zip(&padded[2 * dw..])
            {
                *m = max(max(a, b), c);
            }
        }
        _ => {
            for (j, m) in window.iter_mut().enumerate() {
                *m = (1..kw).fold(padded[j], |acc, k| max(acc, padded[j + k * dw]));
            }
        }
    }
}

/// `out[i] = window[2 i]`, eight outputs at a time so the compiler
/// vectorises the even-lane gather with shuffles.
#[inline(always)]
fn every_other(out: &mut [f32], window: &[f32]) {
    let done = (out.len() / 8).min(window.len() / 16) * 8;
    for (o, t) in out[..done].chunks_exact_mut(8).zip(window.chunks_exact(16)) {
        for i in 0..8 {
            o[i] = t[2 * i];
        }
    }
    for (o, &v) in out[done..]
        .iter_mut()
        .zip(window[2 * done..].iter().step_by(2))
    {
        *o = v;
    }
}

/// Replaces every f32 NCHW 2-D max-pool of `model` (without index output) by
/// [`ReluMaxPool`], fusing a `max(x, 0)` that feeds only the pool, directly or
/// through a zero `Pad` of H and W (PyTorch's way to pad a pool after a ReLU:
/// on non-negative values a 0 tap changes no maximum that starts at 0).
/// Returns how many pools were replaced.
pub(crate) fn fuse_relu_maxpool(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in model.eval_order()? {
        let node = model.node(id);
        let pool_spec = if let Some(op) = node.op_as::<OptMaxPool>() {
            (op.with_index_outputs.is_none()).then(|| op.pool_spec.clone())
        } else if let Some(op) = node.op_as::<MaxPool>() {
            (op.with_index_outputs.is_none()).then(|| op.pool_spec.clone())
        } else {
            None
        };
        let Some(mut pool_spec) = pool_spec else {
            continue;
        };
        let fact = model.outlet_fact(node.inputs[0])?;
        if pool_spec.data_format != DataFormat::NCHW
            || pool_spec.kernel_shape.len() != 2
            || pool_spec
                .strides()
                .iter()
                .chain(pool_spec.dilations().iter())
                .any(|&s| s == 0)
            || fact.datum_type != f32::datum_type()
            || fact.rank() != 4
        {
            continue;
        }
        let mut input = node.inputs[0];
        let mut relu = false;
        if let Some(x) = relu_source(model, input)? {
            (input, relu) = (x, true);
        } else if let Some((padded, before, after)) = zero_pad(model, input, &pool_spec)?
            && let Some(x) = relu_source(model, padded)?
        {
            (input, relu) = (x, true);
            pool_spec.padding = PaddingSpec::Explicit(before, after);
        }
        let mut patch = TypedModelPatch::new("genre-relu-maxpool");
        let tap = patch.tap_model(model, input)?;
        let wire = patch.wire_node(&node.name, ReluMaxPool { pool_spec, relu }, &[tap])?;
        patch.shunt_outside(model, OutletId::new(node.id, 0), wire[0])?;
        patch.apply(model)?;
        replaced += 1;
    }
    if replaced > 0 {
        model.compact()?;
    }
    Ok(replaced)
}

/// The node producing `outlet`, if `outlet` feeds exactly one node and is not
/// a model output.
fn sole_producer(model: &TypedModel, outlet: OutletId) -> Option<&TypedNode> {
    let node = model.node(outlet.node);
    (node.outputs.len() == 1
        && node.outputs[0].successors.len() == 1
        && !model.outputs.contains(&outlet))
    .then_some(node)
}

/// Whether `t` is a single f32 zero.
fn is_zero(t: &Tensor) -> bool {
    t.len() == 1
        && t.datum_type() == f32::datum_type()
        && t.try_as_plain_ram()
            .ok()
            .and_then(|p| p.as_slice::<f32>().ok().map(|s| s == [0.0]))
            == Some(true)
}

/// If `outlet` is `max(x, 0)` used only once, the `x` outlet.
fn relu_source(model: &TypedModel, outlet: OutletId) -> TractResult<Option<OutletId>> {
    let Some(prev) = sole_producer(model, outlet) else {
        return Ok(None);
    };
    let is_max = prev
        .op_as::<OptBinByScalar>()
        .is_some_and(|op| op.binop.name() == "Max")
        || prev
            .op_as::<TypedBinOp>()
            .is_some_and(|op| op.0.name() == "Max");
    if !is_max || prev.inputs.len() != 2 {
        return Ok(None);
    }
    let zero = model.outlet_fact(prev.inputs[1])?;
    let x = prev.inputs[0];
    let same_shape = model.outlet_fact(x)?.shape == model.outlet_fact(outlet)?.shape;
    Ok((zero.konst.as_deref().is_some_and(is_zero) && same_shape).then_some(x))
}

/// If `outlet` is an unpadded pool's input padded with zeros on H and W only
/// (and used only by the pool): the unpadded outlet and the pads.
#[allow(clippy::type_complexity)]
fn zero_pad(
    model: &TypedModel,
    outlet: OutletId,
    spec: &PoolSpec,
) -> TractResult<Option<(OutletId, TVec<usize>, TVec<usize>)>> {
    let unpadded = match &spec.padding {
        PaddingSpec::Valid => true,
        PaddingSpec::Explicit(b, a) => b.iter().chain(a).all(|&p| p == 0),
        _ => false,
    };
    let Some(node) = sole_producer(model, outlet).filter(|_| unpadded) else {
        return Ok(None);
    };
    let Some(pad) = node.op_as::<Pad>() else {
        return Ok(None);
    };
    let zero_value = matches!(&pad.mode, PadMode::Constant(v) if is_zero(v));
    match pad.pads.as_slice() {
        [(0, 0), (0, 0), (t, b), (l, r)] if zero_value => {
            Ok(Some((node.inputs[0], tvec![*t, *l], tvec![*b, *r])))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(shape: &[usize]) -> Tensor {
        let mut state = 0x2545_f491_u32;
        let values: Vec<f32> = (0..shape.iter().product())
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
            })
            .collect();
        Tensor::from_shape(shape, &values).unwrap()
    }

    fn values(t: &TValue) -> Vec<f32> {
        t.try_as_plain_ram()
            .unwrap()
            .as_slice::<f32>()
            .unwrap()
            .to_vec()
    }

    fn check(spec: PoolSpec, shape: &[usize]) {
        let x = input(shape);
        let reference = MaxPool {
            pool_spec: spec.clone(),
            with_index_outputs: None,
        }
        .eval_out_of_plan(tvec![x.clone().into_tvalue()])
        .unwrap()
        .unwrap();
        for relu in [false, true] {
            let op = ReluMaxPool {
                pool_spec: spec.clone(),
                relu,
            };
            let ours = op
                .eval_out_of_plan(tvec![x.clone().into_tvalue()])
                .unwrap()
                .unwrap();
            assert_eq!(ours[0].shape(), reference[0].shape(), "{spec:?}");
            let expected: Vec<f32> = values(&reference[0])
                .into_iter()
                .map(|v| if relu { v.max(0.0) } else { v })
                .collect();
            assert_eq!(values(&ours[0]), expected, "{spec:?} relu {relu}");
        }
    }

    #[test]
    fn matches_tract_maxpool_for_every_geometry() {
        let paddings = [
            PaddingSpec::Valid,
            PaddingSpec::SameUpper,
            PaddingSpec::SameLower,
            PaddingSpec::Explicit(tvec![1, 0], tvec![2, 1]),
            PaddingSpec::ExplicitOnnxPool(tvec![0, 1], tvec![1, 1], true),
        ];
        let geometries = [
            ([3, 3], [2, 2], [1, 1]),
            ([2, 2], [2, 2], [1, 1]),
            ([3, 2], [1, 1], [1, 1]),
            ([3, 3], [2, 1], [2, 1]),
            ([1, 4], [1, 3], [1, 1]),
        ];
        for padding in &paddings {
            for (kernel, strides, dilations) in geometries {
                for shape in [[2, 3, 11, 7], [1, 2, 6, 13], [1, 2, 5, 41]] {
                    let spec = PoolSpec {
                        data_format: DataFormat::NCHW,
                        kernel_shape: kernel.into_iter().collect(),
                        padding: padding.clone(),
                        dilations: Some(dilations.into_iter().collect()),
                        strides: Some(strides.into_iter().collect()),
                        input_channels: shape[1],
                        output_channels: shape[1],
                    };
                    check(spec, &shape);
                }
            }
        }
    }
}
