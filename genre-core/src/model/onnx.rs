//! Loading an ONNX genre model into tract: always optimised, with a symbolic
//! batch, for the three input layouts genre understands.

use std::fmt;
use std::sync::{Arc, OnceLock};

use tract_onnx::pb::{self, tensor_shape_proto::dimension, type_proto};
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::internal::DimLike;
use tract_onnx::tract_hir::ops::unimpl::UnimplementedOp;

use super::const_pads::constant_pads;
use super::conv::direct_convs;
use super::fold::fold_affine_into_conv;
use super::fold_dense::fold_affine_into_dense;
use super::layout::widen_narrow_planes;
use super::metadata::{ModelFeatures, OutputKind};
use super::pool::fuse_relu_maxpool;
use super::rewrite::constant_reshape_shapes;
use crate::{Error, Result};

/// How a model wants its `[frames × n_mfcc]` segments laid out. All three have
/// the same memory order; only the tensor shape differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputLayout {
    /// Keras `[N, frames, n_mfcc, 1]`.
    Nhwc,
    /// PyTorch `[N, 1, frames, n_mfcc]`.
    Nchw,
    /// `[N, frames, n_mfcc]`.
    Sequence,
}

impl InputLayout {
    fn shape(self, n: TDim, frames: usize, n_mfcc: usize) -> TVec<TDim> {
        let (f, m) = (TDim::from(frames), TDim::from(n_mfcc));
        match self {
            InputLayout::Nhwc => tvec![n, f, m, 1.into()],
            InputLayout::Nchw => tvec![n, 1.into(), f, m],
            InputLayout::Sequence => tvec![n, f, m],
        }
    }
}

impl fmt::Display for InputLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputLayout::Nhwc => "NHWC [N, frames, n_mfcc, 1]",
            InputLayout::Nchw => "NCHW [N, 1, frames, n_mfcc]",
            InputLayout::Sequence => "[N, frames, n_mfcc]",
        })
    }
}

type Plan = Arc<TypedRunnableModel>;

/// A parsed ONNX model before tract planning.
pub(crate) struct OnnxProto {
    proto: pb::ModelProto,
    name: String,
}

impl OnnxProto {
    /// Decodes ONNX protobuf bytes; `name` names the model in errors.
    pub(crate) fn decode(bytes: &[u8], name: &str) -> Result<Self> {
        let mut reader = bytes;
        let proto = tract_onnx::onnx()
            .proto_model_for_read(&mut reader)
            .map_err(|e| Error::ModelDecode {
                model: name.to_owned(),
                reason: format!("{e:#}"),
            })?;
        if proto
            .graph
            .as_ref()
            .is_none_or(|g| g.node.is_empty() || g.output.is_empty())
        {
            return Err(Error::ModelDecode {
                model: name.to_owned(),
                reason: "no graph (is this an ONNX model?)".into(),
            });
        }
        Ok(OnnxProto {
            proto,
            name: name.to_owned(),
        })
    }

    /// The model's `metadata_props` as key/value pairs.
    pub(crate) fn metadata(&self) -> Vec<(String, String)> {
        self.proto
            .metadata_props
            .iter()
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect()
    }
}

/// An optimised tract model with a symbolic batch, plus a batch-1 plan.
pub(crate) struct OnnxModel {
    name: String,
    layout: InputLayout,
    frames: usize,
    n_mfcc: usize,
    classes: usize,
    output: OutputKind,
    /// The rewritten graph, kept to plan the symbolic batch on first use.
    proto: pb::ModelProto,
    /// Symbolic batch `N`, planned on first use (per-segment runs through
    /// `single` are faster for the seed CNN, so most callers never need it);
    /// `None` if the graph only plans with a fixed batch.
    batched: OnceLock<Option<Plan>>,
    /// Batch of exactly one segment.
    single: Plan,
}

impl fmt::Debug for OnnxModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnnxModel")
            .field("name", &self.name)
            .field("layout", &self.layout)
            .field("classes", &self.classes)
            .field("output", &self.output)
            .field("symbolic_batch", &self.batched.get().map(Option::is_some))
            .finish()
    }
}

impl OnnxModel {
    /// Plans `proto` for segments of `features`; `declared` is the output kind
    /// from the contract (detected from the graph when `None`).
    pub(crate) fn plan(
        mut onnx: OnnxProto,
        features: &ModelFeatures,
        declared: Option<OutputKind>,
    ) -> Result<Self> {
        let name = onnx.name.clone();
        let graph = onnx
            .proto
            .graph
            .as_mut()
            .ok_or_else(|| Error::ModelDecode {
                model: name.clone(),
                reason: "no graph".into(),
            })?;
        constant_reshape_shapes(graph);
        constant_pads(graph);
        fold_affine_into_conv(graph);
        fold_affine_into_dense(graph);
        widen_narrow_planes(graph);
        let output = declared.unwrap_or_else(|| detect_output(graph));
        let (frames, n_mfcc) = (features.frames(), features.n_mfcc);
        let layout = input_layout(&name, graph, frames, n_mfcc)?;

        let model = parse(&name, &onnx.proto)?;
        let single = typed(&name, model, layout.shape(1.into(), frames, n_mfcc))?;
        let classes = output_classes(&name, &single.0, false)?;
        Ok(OnnxModel {
            name,
            layout,
            frames,
            n_mfcc,
            classes,
            output,
            proto: onnx.proto,
            batched: OnceLock::new(),
            single: single.1,
        })
    }

    /// The symbolic-batch plan, planned on first use.
    fn batched(&self) -> Option<&Plan> {
        self.batched
            .get_or_init(|| {
                let model = parse(&self.name, &self.proto).ok()?;
                let n = model.symbols.sym("N");
                let shape = self.layout.shape(n.into(), self.frames, self.n_mfcc);
                typed(&self.name, model, shape)
                    .ok()
                    .filter(|(m, _)| output_classes(&self.name, m, true).ok() == Some(self.classes))
                    .map(|(_, plan)| plan)
            })
            .as_ref()
    }

    /// Input layout.
    pub(crate) fn layout(&self) -> InputLayout {
        self.layout
    }

    /// Output classes.
    pub(crate) fn classes(&self) -> usize {
        self.classes
    }

    /// Output kind (declared or detected).
    pub(crate) fn output(&self) -> OutputKind {
        self.output
    }

    /// The model's name in errors.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Whether one plan serves every batch size.
    pub(crate) fn has_symbolic_batch(&self) -> bool {
        self.batched().is_some()
    }

    /// Runs `n` segments (`data.len() == n × frames × n_mfcc`) as one batch
    /// through the symbolic plan (or segment by segment without one) and
    /// writes the raw output rows (`n × classes`) into `out`.
    pub(crate) fn run_batch(&self, data: &[f32], out: &mut [f32]) -> Result<()> {
        let seg = self.frames * self.n_mfcc;
        let n = data.len() / seg.max(1);
        match self.batched() {
            Some(plan) if n > 1 => self.run_plan(plan, n, data, out),
            _ => self.run_each(data, out),
        }
    }

    /// Runs every segment on its own through the batch-1 plan.
    pub(crate) fn run_each(&self, data: &[f32], out: &mut [f32]) -> Result<()> {
        let seg = self.frames * self.n_mfcc;
        for (x, y) in data
            .chunks_exact(seg)
            .zip(out.chunks_exact_mut(self.classes))
        {
            self.run_plan(&self.single, 1, x, y)?;
        }
        Ok(())
    }

    fn run_plan(&self, plan: &Plan, n: usize, data: &[f32], out: &mut [f32]) -> Result<()> {
        let fail = |e: TractError| Error::Inference {
            model: self.name.clone(),
            reason: format!("{e:#}"),
        };
        let shape: Vec<usize> = self
            .layout
            .shape(n.into(), self.frames, self.n_mfcc)
            .iter()
            .map(|d| d.to_usize().unwrap_or(1))
            .collect();
        let input = Tensor::from_shape::<f32>(&shape, data).map_err(fail)?;
        let result = plan.run(tvec![input.into_tvalue()]);
        clear_upper_state();
        let result = result.map_err(fail)?;
        let first = result.first().ok_or_else(|| Error::Inference {
            model: self.name.clone(),
            reason: "the model produced no output".into(),
        })?;
        let plain = first.try_as_plain_ram().map_err(fail)?;
        let view = plain.as_slice::<f32>().map_err(fail)?;
        if view.len() != out.len() {
            return Err(Error::Inference {
                model: self.name.clone(),
                reason: format!("output has {} values, expected {}", view.len(), out.len()),
            });
        }
        out.copy_from_slice(view);
        Ok(())
    }
}

/// Parses the (rewritten) ONNX graph into tract, failing on unsupported ops.
fn parse(name: &str, proto: &pb::ModelProto) -> Result<InferenceModel> {
    let model = tract_onnx::onnx()
        .model_for_proto_model(proto)
        .map_err(|e| Error::ModelGraph {
            model: name.to_owned(),
            reason: format!("{e:#}"),
        })?;
    check_implemented(name, &model)?;
    Ok(model)
}

/// Types, optimises and plans `model` with the given input shape.
fn typed(name: &str, model: InferenceModel, shape: TVec<TDim>) -> Result<(TypedModel, Plan)> {
    let graph_err = |e: TractError| Error::ModelGraph {
        model: name.to_owned(),
        reason: format!("{e:#}"),
    };
    let model = model
        .with_input_fact(0, InferenceFact::dt_shape(f32::datum_type(), shape))
        .map_err(graph_err)?;
    let mut typed = model
        .into_typed()
        .and_then(TypedModel::into_decluttered)
        .map_err(graph_err)?;
    direct_convs(&mut typed).map_err(graph_err)?;
    let mut optimized = typed.into_optimized().map_err(graph_err)?;
    fuse_relu_maxpool(&mut optimized).map_err(graph_err)?;
    let plan = optimized.clone().into_runnable().map_err(graph_err)?;
    Ok((optimized, plan))
}

/// The number of classes of a `[N, classes]` output.
fn output_classes(name: &str, model: &TypedModel, symbolic: bool) -> Result<usize> {
    let fact = model.output_fact(0).map_err(|e| Error::ModelGraph {
        model: name.to_owned(),
        reason: format!("{e:#}"),
    })?;
    let dims: Vec<String> = fact.shape.iter().map(|d| d.to_string()).collect();
    let bad = || Error::ModelShape {
        model: name.to_owned(),
        what: "output",
        expected: "[N, classes]".into(),
        found: format!("[{}]", dims.join(", ")),
    };
    if fact.shape.rank() != 2 || fact.datum_type != f32::datum_type() {
        return Err(bad());
    }
    let batch_ok = symbolic || fact.shape[0].to_usize().ok() == Some(1);
    match fact.shape[1].to_usize() {
        Ok(c) if c > 0 && batch_ok => Ok(c),
        _ => Err(bad()),
    }
}

/// Fails with the first operator tract does not implement.
fn check_implemented(name: &str, model: &InferenceModel) -> Result<()> {
    for node in model.nodes() {
        if node.op_is::<UnimplementedOp>() {
            let op = format!("{:?}", node.op);
            return Err(Error::ModelUnsupportedOp {
                model: name.to_owned(),
                node: node.name.clone(),
                op: op.split(['{', '(', ' ']).next().unwrap_or("?").to_owned(),
            });
        }
    }
    Ok(())
}

/// Probabilities when the output comes out of a `Softmax` (through `Identity`
/// nodes), logits otherwise.
fn detect_output(graph: &pb::GraphProto) -> OutputKind {
    let mut name = match graph.output.first() {
        Some(o) => o.name.as_str(),
        None => return OutputKind::Probabilities,
    };
    for _ in 0..graph.node.len() {
        match graph
            .node
            .iter()
            .find(|n| n.output.iter().any(|o| o == name))
        {
            Some(n) if n.op_type == "Identity" => match n.input.first() {
                Some(i) => name = i.as_str(),
                None => break,
            },
            Some(n) if n.op_type == "Softmax" => return OutputKind::Probabilities,
            _ => break,
        }
    }
    OutputKind::Logits
}

/// The layout of the single graph input, checked against the feature config.
fn input_layout(
    name: &str,
    graph: &pb::GraphProto,
    frames: usize,
    n_mfcc: usize,
) -> Result<InputLayout> {
    let inputs: Vec<&pb::ValueInfoProto> = graph
        .input
        .iter()
        .filter(|i| !graph.initializer.iter().any(|t| t.name == i.name))
        .collect();
    let expected = format!(
        "[N, {frames}, {n_mfcc}, 1] (NHWC), [N, 1, {frames}, {n_mfcc}] (NCHW) or [N, {frames}, {n_mfcc}]"
    );
    let [input] = inputs.as_slice() else {
        return Err(Error::ModelShape {
            model: name.to_owned(),
            what: "input",
            expected,
            found: format!("{} inputs", inputs.len()),
        });
    };
    // Known dims as Some(n), symbolic or absent ones as None.
    let dims: Vec<Option<i64>> = match &input.r#type.as_ref().and_then(|t| t.value.as_ref()) {
        Some(type_proto::Value::TensorType(t)) => t
            .shape
            .as_ref()
            .map(|s| {
                s.dim
                    .iter()
                    .map(|d| match d.value {
                        Some(dimension::Value::DimValue(v)) if v > 0 => Some(v),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let found = format!(
        "[{}]",
        dims.iter()
            .map(|d| d.map_or("?".to_string(), |v| v.to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let fits = |want: &[i64]| {
        dims.iter()
            .skip(1)
            .zip(want)
            .all(|(d, w)| d.is_none_or(|d| d == *w))
    };
    let (f, m) = (frames as i64, n_mfcc as i64);
    let layout = match dims.len() {
        3 if fits(&[f, m]) => Some(InputLayout::Sequence),
        4 if dims[1] == Some(1) && fits(&[1, f, m]) => Some(InputLayout::Nchw),
        4 if fits(&[f, m, 1]) => Some(InputLayout::Nhwc),
        4 if fits(&[1, f, m]) => Some(InputLayout::Nchw),
        _ => None,
    };
    layout.ok_or(Error::ModelShape {
        model: name.to_owned(),
        what: "input",
        expected,
        found,
    })
}

/// tract's hand-written AVX-512/AVX2 matmul kernels return without
/// `vzeroupper`. The dirty upper register state then slows every later
/// SSE (non-VEX) instruction on that thread — symphonia's decoders,
/// libsoxr's SSE resampler, baseline Rust code — until something clears
/// it: a 30 s WAV load right after a prediction took 7.7 ms instead of 3.4.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn clear_upper_state() {
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX (checked above); `vzeroupper` only
        // zeroes bits 128 and up of the vector registers, which the
        // compiler treats as clobbered by this intrinsic.
        unsafe { std::arch::x86_64::_mm256_zeroupper() }
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn clear_upper_state() {}
