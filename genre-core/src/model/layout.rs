//! Load-time graph rewrite: run the convolutional part of a model on planes
//! transposed so their long axis is the contiguous one.
//!
//! An MFCC CNN sees `[N, C, 130 frames, 13 coefficients]`: rows of 13 values
//! (11 after a 3×3 conv, 6 after pooling). The convolution and pooling
//! kernels (tract's, genre's [`super::conv`] and [`super::pool`]) vectorise
//! along the row, so such narrow rows spend most of their time on per-row
//! bookkeeping or idle lanes. Swapping H and W — one `Transpose` on the way
//! in, one on the way out — makes the rows 128 wide.
//!
//! The swap is exact: every op of the swapped region is symmetric in H and W
//! once its own H/W parameters are swapped (kernel shape, strides, dilations,
//! pads — attributes, or a `Pad`'s constant pads input, see
//! [`super::const_pads`] — and the conv weights' last two axes), and elementwise ops are
//! untouched. Only a region with a single way in and a single way out whose
//! input is known to be taller than wide is rewritten.

use std::collections::{HashMap, HashSet};

use tract_onnx::pb::{AttributeProto, GraphProto, NodeProto, TensorProto, ValueInfoProto};
use tract_onnx::pb::{tensor_shape_proto::dimension, type_proto};

use super::proto::{INT64, attr_ints, float_tensor, floats, fresh_name, ints};

/// ONNX `AttributeProto.AttributeType::Ints`.
const INTS: i32 = 7;

/// Swaps H and W of the convolutional region, if there is one that pays;
/// returns whether the graph changed.
pub(crate) fn widen_narrow_planes(graph: &mut GraphProto) -> bool {
    let Some(region) = find_region(graph) else {
        return false;
    };
    rewrite(graph, &region)
}

/// A connected set of H/W-symmetric nodes with one input and one output tensor.
struct Region {
    nodes: HashSet<usize>,
    entry: String,
    exit: String,
}

/// The input of `node` that carries the NCHW data, if `node` is an op that
/// commutes with swapping H and W.
fn data_input(graph: &GraphProto, node: &NodeProto) -> Option<usize> {
    if !node.domain.is_empty() || node.output.iter().skip(1).any(|o| !o.is_empty()) {
        return None;
    }
    let init = |name: &str| graph.initializer.iter().find(|t| t.name == name);
    let all_const_from = |i: usize| {
        node.input
            .iter()
            .skip(i)
            .all(|n| n.is_empty() || init(n).is_some())
    };
    match node.op_type.as_str() {
        "Conv" => {
            let w = init(node.input.get(1)?)?;
            (w.dims.len() == 4 && floats(w).is_some() && all_const_from(1)).then_some(0)
        }
        "MaxPool" | "AveragePool" => {
            let k = attr_ints(node, "kernel_shape")?;
            (k.len() == 2 && node.input.len() == 1).then_some(0)
        }
        "Relu" | "LeakyRelu" | "Sigmoid" | "Tanh" | "Elu" | "Selu" | "Softplus" | "HardSigmoid"
        | "Identity" | "Dropout" => (node.input.len() == 1).then_some(0),
        "BatchNormalization" | "Clip" => all_const_from(1).then_some(0),
        "Pad" => {
            // Constant pads of H and W only (every mode pads each axis on
            // its own, so swapping the two axes' pads commutes).
            let pads = ints(init(node.input.get(1)?)?)?;
            let hw_only = matches!(pads.as_slice(), [0, 0, _, _, 0, 0, _, _]);
            (hw_only && node.input.len() <= 3 && all_const_from(1)).then_some(0)
        }
        "Mul" | "Add" | "Sub" | "Div" => {
            let [a, b] = node.input.as_slice() else {
                return None;
            };
            // The constant must broadcast identically over H and W: its last
            // two axes (right-aligned against NCHW) are 1.
            let symmetric = |t: &TensorProto| t.dims.iter().rev().take(2).all(|&d| d == 1);
            match (init(a), init(b)) {
                (None, Some(t)) if symmetric(t) => Some(0),
                (Some(t), None) if symmetric(t) => Some(1),
                _ => None,
            }
        }
        _ => None,
    }
}

fn find_region(graph: &GraphProto) -> Option<Region> {
    let producer: HashMap<&str, usize> = graph
        .node
        .iter()
        .enumerate()
        .flat_map(|(i, n)| n.output.iter().map(move |o| (o.as_str(), i)))
        .collect();
    let data: Vec<Option<usize>> = graph.node.iter().map(|n| data_input(graph, n)).collect();
    // Grow one region from the first eligible conv along data edges, both ways.
    let seed = graph
        .node
        .iter()
        .position(|n| n.op_type == "Conv" && data_input(graph, n).is_some())?;
    let mut nodes = HashSet::from([seed]);
    let mut stack = vec![seed];
    while let Some(i) = stack.pop() {
        let node = &graph.node[i];
        let mut neighbours = Vec::new();
        if let Some(d) = data[i]
            && let Some(&p) = node.input.get(d).and_then(|x| producer.get(x.as_str()))
            && data[p].is_some()
        {
            neighbours.push(p);
        }
        for (j, other) in graph.node.iter().enumerate() {
            if let Some(d) = data[j]
                && other.input.get(d).is_some_and(|x| node.output.contains(x))
            {
                neighbours.push(j);
            }
        }
        for j in neighbours {
            if nodes.insert(j) {
                stack.push(j);
            }
        }
    }
    let mut entries = HashSet::new();
    for &i in &nodes {
        let d = data[i]?;
        let x = graph.node[i].input.get(d)?;
        if !producer.get(x.as_str()).is_some_and(|p| nodes.contains(p)) {
            entries.insert(x.clone());
        }
    }
    let mut exits = HashSet::new();
    for &i in &nodes {
        for out in &graph.node[i].output {
            let outside = graph.output.iter().any(|o| &o.name == out)
                || graph.node.iter().enumerate().any(|(j, n)| {
                    n.input.contains(out)
                        && (!nodes.contains(&j) || data[j].map(|d| &n.input[d]) != Some(out))
                });
            if outside {
                exits.insert(out.clone());
            }
        }
    }
    let (entry, exit) = match (entries.len(), exits.len()) {
        (1, 1) => (entries.into_iter().next()?, exits.into_iter().next()?),
        _ => return None,
    };
    let (h, w) = plane_of(graph, &entry, &producer)?;
    (h > w).then_some(Region { nodes, entry, exit })
}

/// The known `(H, W)` of an NCHW tensor that is a graph input or a constant
/// `Reshape`.
fn plane_of(graph: &GraphProto, name: &str, producer: &HashMap<&str, usize>) -> Option<(i64, i64)> {
    let dims: Vec<i64> = if let Some(&p) = producer.get(name) {
        let node = &graph.node[p];
        if node.op_type != "Reshape" {
            return None;
        }
        let shape = graph
            .initializer
            .iter()
            .find(|t| Some(&t.name) == node.input.get(1))?;
        ints(shape)?
    } else {
        let input = graph.input.iter().find(|i| i.name == name)?;
        match input.r#type.as_ref().and_then(|t| t.value.as_ref()) {
            Some(type_proto::Value::TensorType(t)) => t
                .shape
                .as_ref()?
                .dim
                .iter()
                .map(|d| match d.value {
                    Some(dimension::Value::DimValue(v)) => v,
                    _ => -1,
                })
                .collect(),
            _ => return None,
        }
    };
    match dims.as_slice() {
        [_, _, h, w] if *h > 0 && *w > 0 => Some((*h, *w)),
        _ => None,
    }
}

fn transpose(input: String, output: String) -> NodeProto {
    NodeProto {
        op_type: "Transpose".into(),
        name: format!("{output}_transpose"),
        input: vec![input],
        output: vec![output],
        attribute: vec![AttributeProto {
            name: "perm".into(),
            r#type: INTS,
            ints: vec![0, 1, 3, 2],
            ..AttributeProto::default()
        }],
        ..NodeProto::default()
    }
}

fn rewrite(graph: &mut GraphProto, region: &Region) -> bool {
    // Conv weights and pads swapped first: a failure leaves the graph untouched.
    let mut new_weights = Vec::new();
    let mut new_pads = Vec::new();
    for &i in &region.nodes {
        let node = &graph.node[i];
        if node.op_type == "Pad" {
            let Some(pads) = graph
                .initializer
                .iter()
                .find(|t| Some(&t.name) == node.input.get(1))
            else {
                return false;
            };
            let Some(mut values) = ints(pads) else {
                return false;
            };
            if values.len() != 8 {
                return false;
            }
            values.swap(2, 3);
            values.swap(6, 7);
            let name = fresh_name(graph, &format!("{}_hw", pads.name));
            new_pads.push((
                i,
                TensorProto {
                    name,
                    data_type: INT64,
                    dims: vec![8],
                    int64_data: values,
                    ..TensorProto::default()
                },
            ));
            continue;
        }
        if node.op_type != "Conv" {
            continue;
        }
        let Some(w) = graph
            .initializer
            .iter()
            .find(|t| Some(&t.name) == node.input.get(1))
        else {
            return false;
        };
        let (Some(values), [m, c, kh, kw]) = (floats(w), w.dims.as_slice()) else {
            return false;
        };
        let (kh, kw) = (*kh as usize, *kw as usize);
        if kh * kw == 0 {
            return false;
        }
        let mut swapped = vec![0f32; values.len()];
        for (src, dst) in values
            .chunks_exact(kh * kw)
            .zip(swapped.chunks_exact_mut(kh * kw))
        {
            for y in 0..kh {
                for x in 0..kw {
                    dst[x * kh + y] = src[y * kw + x];
                }
            }
        }
        let name = fresh_name(graph, &format!("{}_hw", w.name));
        new_weights.push((
            i,
            float_tensor(name, vec![*m, *c, kw as i64, kh as i64], &swapped),
        ));
    }
    for (i, tensor) in new_weights.into_iter().chain(new_pads) {
        graph.node[i].input[1] = tensor.name.clone();
        graph.initializer.push(tensor);
    }
    let entry_hw = fresh_name(graph, &format!("{}_hw", region.entry));
    let exit_hw = fresh_name(graph, &format!("{}_hw", region.exit));
    let produced: HashSet<String> = region
        .nodes
        .iter()
        .flat_map(|&i| graph.node[i].output.iter().cloned())
        .collect();
    for &i in &region.nodes {
        let node = &mut graph.node[i];
        for input in node.input.iter_mut() {
            if *input == region.entry {
                *input = entry_hw.clone();
            } else if *input == region.exit {
                *input = exit_hw.clone();
            }
        }
        for output in node.output.iter_mut() {
            if *output == region.exit {
                *output = exit_hw.clone();
            }
        }
        swap_attributes(node);
    }
    graph
        .value_info
        .retain(|v: &ValueInfoProto| !produced.contains(&v.name));
    // Each transpose goes right after the producer of what it reads (the
    // entry may be a graph input), keeping the node list topologically sorted.
    let nodes = std::mem::take(&mut graph.node);
    if !nodes.iter().any(|n| n.output.contains(&region.entry)) {
        graph
            .node
            .push(transpose(region.entry.clone(), entry_hw.clone()));
    }
    for node in nodes {
        let produces_entry = node.output.contains(&region.entry);
        let produces_exit = node.output.contains(&exit_hw);
        graph.node.push(node);
        if produces_entry {
            graph
                .node
                .push(transpose(region.entry.clone(), entry_hw.clone()));
        }
        if produces_exit {
            graph
                .node
                .push(transpose(exit_hw.clone(), region.exit.clone()));
        }
    }
    true
}

/// Swaps the H and W entries of a conv or pool's spatial attributes.
fn swap_attributes(node: &mut NodeProto) {
    for a in &mut node.attribute {
        match (a.name.as_str(), a.ints.len()) {
            ("kernel_shape" | "strides" | "dilations", 2) => a.ints.swap(0, 1),
            ("pads", 4) => {
                a.ints.swap(0, 1);
                a.ints.swap(2, 3);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::proto::test_node;
    use super::*;
    use tract_onnx::pb::ValueInfoProto;

    fn node(op: &str, inputs: &[&str], output: &str, attrs: &[(&str, Vec<i64>)]) -> NodeProto {
        let mut node = test_node(op, inputs, output);
        node.attribute = attrs
            .iter()
            .map(|(name, ints)| AttributeProto {
                name: (*name).into(),
                ints: ints.clone(),
                ..AttributeProto::default()
            })
            .collect();
        node
    }

    /// Keras-style: reshape to `[N, 1, h, w]`, conv 2×1, relu, pool, flatten.
    fn graph(h: i64, w: i64) -> GraphProto {
        let shape = TensorProto {
            name: "shape".into(),
            data_type: 7,
            dims: vec![4],
            int64_data: vec![-1, 1, h, w],
            ..TensorProto::default()
        };
        GraphProto {
            node: vec![
                node("Reshape", &["in", "shape"], "x", &[]),
                node("Conv", &["x", "k"], "c", &[("kernel_shape", vec![2, 1])]),
                node("Relu", &["c"], "r", &[]),
                node(
                    "MaxPool",
                    &["r"],
                    "p",
                    &[("kernel_shape", vec![3, 2]), ("pads", vec![0, 1, 2, 3])],
                ),
                node("Flatten", &["p"], "out", &[]),
            ],
            initializer: vec![
                shape,
                float_tensor("k".into(), vec![1, 1, 2, 1], &[1.0, 2.0]),
            ],
            output: vec![ValueInfoProto {
                name: "out".into(),
                ..ValueInfoProto::default()
            }],
            ..GraphProto::default()
        }
    }

    #[test]
    fn tall_planes_are_transposed_in_and_out() {
        let mut g = graph(130, 13);
        assert!(widen_narrow_planes(&mut g));
        let ops: Vec<&str> = g.node.iter().map(|n| n.op_type.as_str()).collect();
        assert_eq!(
            ops,
            [
                "Reshape",
                "Transpose",
                "Conv",
                "Relu",
                "MaxPool",
                "Transpose",
                "Flatten"
            ]
        );
        assert_eq!(g.node[2].input[0], g.node[1].output[0]);
        assert_eq!(attr_ints(&g.node[2], "kernel_shape"), Some(&[1, 2][..]));
        assert_eq!(attr_ints(&g.node[4], "kernel_shape"), Some(&[2, 3][..]));
        assert_eq!(attr_ints(&g.node[4], "pads"), Some(&[1, 0, 3, 2][..]));
        let k = g
            .initializer
            .iter()
            .find(|t| t.name == g.node[2].input[1])
            .unwrap();
        assert_eq!(k.dims, vec![1, 1, 1, 2]);
        assert_eq!(g.node[5].input[0], g.node[4].output[0]);
        assert_eq!(g.node[6].input[0], g.node[5].output[0]);
    }

    #[test]
    fn wide_planes_are_left_alone() {
        let mut g = graph(13, 130);
        assert!(!widen_narrow_planes(&mut g));
        assert_eq!(g.node.len(), 5);
    }

    #[test]
    fn a_region_with_two_exits_is_left_alone() {
        let mut g = graph(130, 13);
        g.node.push(node("Flatten", &["r"], "side", &[]));
        assert!(!widen_narrow_planes(&mut g));
    }
}
