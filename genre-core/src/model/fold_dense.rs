//! Load-time graph rewrite: fold the per-channel affine map (`BatchNorm`)
//! in front of a `Flatten → Dense` into the dense layer.
//!
//! The seed CNN ends `MaxPool → BatchNorm → Flatten → Dense`; the last
//! BatchNorm has no conv after it to fold into (see [`super::fold`]). With
//! `x` the flattened pool output and `s`, `t` the BatchNorm's scale and shift
//! repeated to the flattened positions of their channel,
//! `(x·s + t) W + b = x (diag(s) W) + (t W + b)` — exact up to float
//! rounding, with no padding caveat. The flattened position `f` of channel
//! `c` depends on the layout: NCHW flattening (PyTorch's `Flatten`) puts
//! `f / (F / C) = c`; Keras' export transposes to NHWC first
//! (`Transpose(0, 2, 3, 1)`), so `f mod C = c`.
//!
//! The folded weights are computed in f64 and rounded once. A `MatMul`
//! becomes a `Gemm` carrying the new bias.

use std::collections::HashMap;

use tract_onnx::pb::{AttributeProto, GraphProto, NodeProto, TensorProto};

use super::fold::{affine, fold_repeatedly, push_folded};
use super::proto::{attr_int, attr_ints, floats, ints, use_counts};

/// ONNX `AttributeProto.AttributeType::Int`.
const INT: i32 = 2;

/// How the flattened positions map to channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// NCHW flatten: position `f` is channel `f / (F / C)`.
    ChannelsFirst,
    /// NHWC flatten: position `f` is channel `f mod C`.
    ChannelsLast,
}

/// A dense layer reading a flattened per-channel affine map.
struct Fold {
    dense: usize,
    /// The tensor the flatten chain's first node should read instead.
    first: usize,
    source: String,
    scale: Vec<f64>,
    shift: Vec<f64>,
    order: Order,
}

/// Folds every foldable affine map into the dense layer after its flatten;
/// returns how many.
pub(crate) fn fold_affine_into_dense(graph: &mut GraphProto) -> usize {
    fold_repeatedly(graph, find, apply)
}

fn init<'a>(graph: &'a GraphProto, name: &str) -> Option<&'a TensorProto> {
    graph.initializer.iter().find(|t| t.name == name)
}

/// The `(rows, cols)` of a dense layer's 2-D weight initializer `W` such that
/// the layer computes `x W` (for `Gemm` with `transB = 1`, of `Wᵀ`), or
/// `None` if `node` is not a plain dense layer.
fn dense_shape(graph: &GraphProto, node: &NodeProto) -> Option<(usize, usize, bool)> {
    if !node.domain.is_empty() {
        return None;
    }
    let w = init(graph, node.input.get(1)?)?;
    let [a, b] = w.dims.as_slice() else {
        return None;
    };
    let (a, b) = (usize::try_from(*a).ok()?, usize::try_from(*b).ok()?);
    match node.op_type.as_str() {
        "MatMul" if node.input.len() == 2 => Some((a, b, false)),
        "Gemm" => {
            let float = |name: &str| node.attribute.iter().find(|x| x.name == name).map(|x| x.f);
            let plain = float("alpha").is_none_or(|f| f == 1.0)
                && float("beta").is_none_or(|f| f == 1.0)
                && attr_int(node, "transA").unwrap_or(0) == 0;
            let trans_b = attr_int(node, "transB").unwrap_or(0) == 1;
            plain.then_some(if trans_b { (b, a, true) } else { (a, b, false) })
        }
        _ => None,
    }
}

/// Channels of a per-channel affine node, from its constants.
fn affine_channels(graph: &GraphProto, node: &NodeProto) -> Option<usize> {
    let len = |name: &str| init(graph, name).and_then(floats).map(|v| v.len());
    match node.op_type.as_str() {
        "BatchNormalization" => len(node.input.get(1)?),
        "Add" => node.input.iter().filter_map(|n| len(n)).find(|&c| c > 1),
        _ => None,
    }
}

fn find(graph: &GraphProto) -> Option<Fold> {
    let uses = use_counts(graph);
    let producer: HashMap<&str, &NodeProto> = graph
        .node
        .iter()
        .flat_map(|n| n.output.iter().map(move |o| (o.as_str(), n)))
        .collect();
    let sole = |name: &str| {
        (uses.get(name) == Some(&1))
            .then(|| producer.get(name).copied())
            .flatten()
    };
    for (dense, node) in graph.node.iter().enumerate() {
        let Some((features, _, _)) = dense_shape(graph, node) else {
            continue;
        };
        let Some(flatten) = node.input.first().and_then(|x| sole(x)) else {
            continue;
        };
        if !flattens_to(graph, flatten, features) {
            continue;
        }
        let Some(mut prev) = flatten.input.first().and_then(|x| sole(x)) else {
            continue;
        };
        let mut first = flatten;
        let mut order = Order::ChannelsFirst;
        if prev.op_type == "Transpose" && prev.domain.is_empty() {
            if attr_ints(prev, "perm") != Some(&[0, 2, 3, 1]) {
                continue;
            }
            order = Order::ChannelsLast;
            first = prev;
            let Some(p) = prev.input.first().and_then(|x| sole(x)) else {
                continue;
            };
            prev = p;
        }
        let Some(channels) = affine_channels(graph, prev) else {
            continue;
        };
        if channels == 0 || features % channels != 0 {
            continue;
        }
        let Some((source, scale, shift)) = affine(graph, prev, &producer, &uses, channels) else {
            continue;
        };
        let Some(first) = graph.node.iter().position(|n| std::ptr::eq(n, first)) else {
            continue;
        };
        return Some(Fold {
            dense,
            first,
            source,
            scale,
            shift,
            order,
        });
    }
    None
}

/// Whether `node` flattens a 4-D tensor to `[N, features]`.
fn flattens_to(graph: &GraphProto, node: &NodeProto, features: usize) -> bool {
    if !node.domain.is_empty() {
        return false;
    }
    match node.op_type.as_str() {
        "Flatten" => attr_int(node, "axis").unwrap_or(1) == 1,
        "Reshape" => {
            let shape = node
                .input
                .get(1)
                .and_then(|s| init(graph, s))
                .and_then(ints);
            matches!(shape.as_deref(), Some([-1, f]) if usize::try_from(*f).ok() == Some(features))
        }
        _ => false,
    }
}

/// Rewrites the dense layer of `fold` with folded weights and bias, and its
/// flatten chain to read the affine map's input; false if the weights or
/// bias are not inline f32 initializers.
fn apply(graph: &mut GraphProto, fold: Fold) -> bool {
    let Some(node) = graph.node.get(fold.dense) else {
        return false;
    };
    let Some((features, outputs, trans_b)) = dense_shape(graph, node) else {
        return false;
    };
    let Some(w) = node.input.get(1).and_then(|n| init(graph, n)) else {
        return false;
    };
    let (Some(weights), w_dims, w_name) = (floats(w), w.dims.clone(), w.name.clone()) else {
        return false;
    };
    let bias: Vec<f64> = match node.input.get(2).filter(|b| !b.is_empty()) {
        Some(b) => match init(graph, b).and_then(floats) {
            Some(v) if v.len() == outputs => v.into_iter().map(f64::from).collect(),
            Some(v) if v.len() == 1 => vec![f64::from(v[0]); outputs],
            _ => return false,
        },
        None => vec![0.0; outputs],
    };
    let channels = fold.scale.len();
    let per_channel = features / channels;
    let channel = |f: usize| match fold.order {
        Order::ChannelsFirst => f / per_channel,
        Order::ChannelsLast => f % channels,
    };
    let mut new_w = vec![0f32; weights.len()];
    let mut new_b = bias;
    for f in 0..features {
        let (s, t) = (fold.scale[channel(f)], fold.shift[channel(f)]);
        for (o, b) in new_b.iter_mut().enumerate() {
            let at = if trans_b {
                o * features + f
            } else {
                f * outputs + o
            };
            let wv = f64::from(weights[at]);
            new_w[at] = (wv * s) as f32;
            *b += wv * t;
        }
    }
    let (w_new, b_new) = push_folded(graph, &w_name, w_dims, &new_w, new_b);
    let dense = &mut graph.node[fold.dense];
    dense.input.truncate(1);
    dense.input.push(w_new);
    dense.input.push(b_new);
    if dense.op_type == "MatMul" {
        dense.op_type = "Gemm".into();
        dense.attribute.clear();
    }
    if trans_b {
        dense.attribute.retain(|a| a.name != "transB");
        dense.attribute.push(AttributeProto {
            name: "transB".into(),
            r#type: INT,
            i: 1,
            ..AttributeProto::default()
        });
    }
    graph.node[fold.first].input[0] = fold.source;
    true
}

#[cfg(test)]
mod tests {
    use super::super::proto::{
        float_tensor, test_initializer as values, test_node as node, test_output,
    };
    use super::*;
    use tract_onnx::prelude::Framework;

    /// `x · [2, 3] + [1, −1]` per channel over `[N, 2, 1, 2]`, flattened
    /// (channels last through a transpose, or first) into a `MatMul` by a
    /// 4 × 1 weight `[1, 10, 100, 1000]`.
    fn graph(channels_last: bool) -> GraphProto {
        let mut nodes = vec![
            node("Mul", &["x", "s"], "xs"),
            node("Add", &["xs", "t"], "y"),
        ];
        let flat_in = if channels_last {
            let mut tr = node("Transpose", &["y"], "yt");
            tr.attribute.push(AttributeProto {
                name: "perm".into(),
                ints: vec![0, 2, 3, 1],
                ..AttributeProto::default()
            });
            nodes.push(tr);
            "yt"
        } else {
            "y"
        };
        nodes.push(node("Reshape", &[flat_in, "shape"], "flat"));
        nodes.push(node("MatMul", &["flat", "w"], "z"));
        GraphProto {
            node: nodes,
            initializer: vec![
                float_tensor("s".into(), vec![1, 2, 1, 1], &[2.0, 3.0]),
                float_tensor("t".into(), vec![1, 2, 1, 1], &[1.0, -1.0]),
                float_tensor("w".into(), vec![4, 1], &[1.0, 10.0, 100.0, 1000.0]),
                TensorProto {
                    name: "shape".into(),
                    data_type: super::super::proto::INT64,
                    dims: vec![2],
                    int64_data: vec![-1, 4],
                    ..TensorProto::default()
                },
            ],
            output: vec![test_output("z")],
            ..GraphProto::default()
        }
    }

    #[test]
    fn channels_first_flatten_folds() {
        let mut g = graph(false);
        assert_eq!(fold_affine_into_dense(&mut g), 1);
        let ops: Vec<&str> = g.node.iter().map(|n| n.op_type.as_str()).collect();
        assert_eq!(ops, ["Reshape", "Gemm"]);
        assert_eq!(g.node[0].input[0], "x");
        // Positions 0, 1 are channel 0 (scale 2, shift 1), 2, 3 channel 1.
        let gemm = &g.node[1];
        assert_eq!(values(&g, &gemm.input[1]), vec![2.0, 20.0, 300.0, 3000.0]);
        assert_eq!(
            values(&g, &gemm.input[2]),
            vec![1.0 + 10.0 - 100.0 - 1000.0]
        );
    }

    #[test]
    fn channels_last_flatten_folds() {
        let mut g = graph(true);
        assert_eq!(fold_affine_into_dense(&mut g), 1);
        let ops: Vec<&str> = g.node.iter().map(|n| n.op_type.as_str()).collect();
        assert_eq!(ops, ["Transpose", "Reshape", "Gemm"]);
        assert_eq!(g.node[0].input[0], "x");
        // Positions alternate channels 0, 1, 0, 1.
        let gemm = &g.node[2];
        assert_eq!(values(&g, &gemm.input[1]), vec![2.0, 30.0, 200.0, 3000.0]);
        assert_eq!(
            values(&g, &gemm.input[2]),
            vec![1.0 - 10.0 + 100.0 - 1000.0]
        );
    }

    #[test]
    fn other_transposes_are_left_alone() {
        let mut g = graph(true);
        g.node[2].attribute[0].ints = vec![0, 3, 2, 1];
        assert_eq!(fold_affine_into_dense(&mut g), 0);
    }

    /// The last BatchNorm of every fixture export (Keras through a
    /// transpose, PyTorch through `Flatten`) folds into its dense layer.
    #[test]
    fn the_seed_cnn_exports_fold_their_last_batchnorm() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/models");
        for name in ["keras_nhwc_meta", "keras_seq_meta", "torch_nchw_meta"] {
            let bytes = std::fs::read(dir.join(format!("{name}.onnx"))).unwrap();
            let mut proto = tract_onnx::onnx()
                .proto_model_for_read(&mut bytes.as_slice())
                .unwrap();
            let g = proto.graph.as_mut().unwrap();
            super::super::rewrite::constant_reshape_shapes(g);
            super::super::fold::fold_affine_into_conv(g);
            assert_eq!(fold_affine_into_dense(g), 1, "{name}");
            let affine = ["BatchNormalization", "Mul", "Add"];
            assert!(
                !g.node.iter().any(|n| affine.contains(&n.op_type.as_str())),
                "{name}: an affine map is left"
            );
        }
    }
}
