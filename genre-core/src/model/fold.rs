//! Load-time graph rewrite: fold a per-channel affine map (`BatchNormalization`
//! in inference mode, or Keras' `Mul` → `Add` export of it) into the `Conv`
//! that reads it.
//!
//! `Conv(x·s + t, W, b) = Conv(x, W·s, b + Σ W·t)` when the convolution does
//! not pad: every tap reads a real input value, so the shift `t` reaches each
//! output through every weight. With zero padding the padded taps would read
//! `0` instead of `t`, so padded convolutions keep their BatchNorm. The seed
//! CNN's BatchNorms sit after a max-pool (where tract does not fuse them) and
//! before an unpadded conv, so all but the last one fold away (the last one
//! folds into the dense layer after it, see [`super::fold_dense`]).
//!
//! The folded weights are computed in f64 and rounded once; the result
//! differs from the unfolded graph by float rounding only.

use std::collections::HashMap;

use tract_onnx::pb::{GraphProto, NodeProto, TensorProto};

use super::proto::{attr_int, attr_ints, attr_str, float_tensor, floats, fresh_name, use_counts};
use super::rewrite::prune_dead_nodes;

/// A per-channel `x · scale + shift` feeding a `Conv`.
struct Fold {
    conv: usize,
    source: String,
    scale: Vec<f64>,
    shift: Vec<f64>,
}

/// Folds every foldable affine map into its `Conv`; returns how many.
pub(crate) fn fold_affine_into_conv(graph: &mut GraphProto) -> usize {
    fold_repeatedly(graph, find, apply)
}

/// Applies the folds `find` finds until there are none left (each fold
/// removes one affine map, so this ends), prunes what they left dead, and
/// returns how many were applied.
pub(crate) fn fold_repeatedly<F>(
    graph: &mut GraphProto,
    find: impl Fn(&GraphProto) -> Option<F>,
    apply: impl Fn(&mut GraphProto, F) -> bool,
) -> usize {
    let mut folded = 0;
    while let Some(fold) = find(graph) {
        if !apply(graph, fold) {
            break;
        }
        folded += 1;
    }
    if folded > 0 {
        prune_dead_nodes(graph);
    }
    folded
}

fn find(graph: &GraphProto) -> Option<Fold> {
    let uses = use_counts(graph);
    let producer: HashMap<&str, &NodeProto> = graph
        .node
        .iter()
        .flat_map(|n| n.output.iter().map(move |o| (o.as_str(), n)))
        .collect();
    let init = |name: &str| graph.initializer.iter().find(|t| t.name == name);
    for (index, conv) in graph.node.iter().enumerate() {
        if conv.op_type != "Conv" || !conv.domain.is_empty() || !unpadded(conv) {
            continue;
        }
        if attr_int(conv, "group").unwrap_or(1) != 1 {
            continue;
        }
        let (Some(x), Some(w)) = (conv.input.first(), conv.input.get(1).and_then(|w| init(w)))
        else {
            continue;
        };
        let channels = match w.dims.as_slice() {
            [_, c, ..] => usize::try_from(*c).ok()?,
            _ => continue,
        };
        if uses.get(x) != Some(&1) {
            continue;
        }
        let Some(node) = producer.get(x.as_str()) else {
            continue;
        };
        if let Some((source, scale, shift)) = affine(graph, node, &producer, &uses, channels) {
            return Some(Fold {
                conv: index,
                source,
                scale,
                shift,
            });
        }
    }
    None
}

/// Whether `conv` reads no padding.
fn unpadded(conv: &NodeProto) -> bool {
    let auto_pad = attr_str(conv, "auto_pad").unwrap_or(b"NOTSET");
    let pads_zero = attr_ints(conv, "pads").is_none_or(|p| p.iter().all(|&p| p == 0));
    (auto_pad == b"NOTSET" && pads_zero) || auto_pad == b"VALID"
}

/// `(input, scale, shift)` when `node` computes a per-channel affine map.
pub(crate) fn affine(
    graph: &GraphProto,
    node: &NodeProto,
    producer: &HashMap<&str, &NodeProto>,
    uses: &HashMap<String, usize>,
    channels: usize,
) -> Option<(String, Vec<f64>, Vec<f64>)> {
    let init = |name: &str| graph.initializer.iter().find(|t| t.name == name);
    if !node.domain.is_empty() {
        return None;
    }
    match node.op_type.as_str() {
        "BatchNormalization" => {
            if attr_int(node, "training_mode").unwrap_or(0) != 0
                || node.output.iter().skip(1).any(|o| !o.is_empty())
                || node.input.len() != 5
            {
                return None;
            }
            let param = |i: usize| -> Option<Vec<f32>> {
                let v = floats(init(&node.input[i])?)?;
                (v.len() == channels).then_some(v)
            };
            let (gamma, beta, mean, var) = (param(1)?, param(2)?, param(3)?, param(4)?);
            let eps = node
                .attribute
                .iter()
                .find(|a| a.name == "epsilon")
                .map_or(1e-5, |a| a.f);
            let scale: Vec<f64> = gamma
                .iter()
                .zip(&var)
                .map(|(&g, &v)| f64::from(g) / (f64::from(v) + f64::from(eps)).sqrt())
                .collect();
            let shift = beta
                .iter()
                .zip(&mean)
                .zip(&scale)
                .map(|((&b, &m), &s)| f64::from(b) - f64::from(m) * s)
                .collect();
            Some((node.input[0].clone(), scale, shift))
        }
        "Add" => {
            let (y, shift) = const_operand(graph, node, channels)?;
            let mul = producer.get(y.as_str())?;
            if mul.op_type != "Mul" || !mul.domain.is_empty() || uses.get(&y) != Some(&1) {
                return None;
            }
            let (x, scale) = const_operand(graph, mul, channels)?;
            Some((x, scale, shift))
        }
        _ => None,
    }
}

/// For a binary node with one per-channel constant operand: the other input
/// and the constant broadcast to `channels` values.
fn const_operand(
    graph: &GraphProto,
    node: &NodeProto,
    channels: usize,
) -> Option<(String, Vec<f64>)> {
    let [a, b] = node.input.as_slice() else {
        return None;
    };
    let init = |name: &str| graph.initializer.iter().find(|t| t.name == name);
    let (x, t) = match (init(a), init(b)) {
        (None, Some(t)) => (a, t),
        (Some(t), None) => (b, t),
        _ => return None,
    };
    Some((x.clone(), per_channel(t, channels)?))
}

/// The values of a constant that broadcasts per channel over NCHW: a scalar,
/// `[C, 1, 1]` or `[1, C, 1, 1]`.
fn per_channel(t: &TensorProto, channels: usize) -> Option<Vec<f64>> {
    let v: Vec<f64> = floats(t)?.into_iter().map(f64::from).collect();
    let c = i64::try_from(channels).ok()?;
    match (t.dims.as_slice(), v.as_slice()) {
        (dims, [s]) if dims.len() <= 4 && dims.iter().all(|&d| d == 1) => Some(vec![*s; channels]),
        ([d, 1, 1], _) | ([1, d, 1, 1], _) if *d == c => Some(v),
        _ => None,
    }
}

/// Rewrites the conv of `fold` to read the affine map's input; false if its
/// weights or bias are not inline f32 initializers.
fn apply(graph: &mut GraphProto, fold: Fold) -> bool {
    let Some(conv) = graph.node.get(fold.conv) else {
        return false;
    };
    let init = |name: &str| graph.initializer.iter().find(|t| t.name == name);
    let Some(w) = conv.input.get(1).and_then(|n| init(n)) else {
        return false;
    };
    let Some(weights) = floats(w) else {
        return false;
    };
    let (w_dims, w_name) = (w.dims.clone(), w.name.clone());
    let m = w_dims
        .first()
        .and_then(|&m| usize::try_from(m).ok())
        .unwrap_or(0);
    let c = fold.scale.len();
    if m == 0 || c == 0 || weights.len() % (m * c) != 0 {
        return false;
    }
    let taps = weights.len() / (m * c);
    if taps == 0 {
        return false;
    }
    let bias: Vec<f64> = match conv.input.get(2).filter(|b| !b.is_empty()) {
        Some(b) => match init(b).and_then(floats) {
            Some(v) if v.len() == m => v.into_iter().map(f64::from).collect(),
            _ => return false,
        },
        None => vec![0.0; m],
    };
    let mut new_w = vec![0f32; weights.len()];
    let mut new_b = bias;
    for (o, (w_o, nw_o)) in weights
        .chunks_exact(c * taps)
        .zip(new_w.chunks_exact_mut(c * taps))
        .enumerate()
    {
        for (ch, (w_c, nw_c)) in w_o
            .chunks_exact(taps)
            .zip(nw_o.chunks_exact_mut(taps))
            .enumerate()
        {
            for (&wv, nw) in w_c.iter().zip(nw_c) {
                *nw = (f64::from(wv) * fold.scale[ch]) as f32;
                new_b[o] += f64::from(wv) * fold.shift[ch];
            }
        }
    }
    let (w_new, b_new) = push_folded(graph, &w_name, w_dims, &new_w, new_b);
    let conv = &mut graph.node[fold.conv];
    conv.input[0] = fold.source;
    conv.input[1] = w_new;
    if conv.input.len() > 2 {
        conv.input[2] = b_new;
    } else {
        conv.input.push(b_new);
    }
    true
}

/// Adds the folded weights (`w_dims`) and float64-accumulated bias as new
/// initializers named after `w_name`; returns their names.
pub(crate) fn push_folded(
    graph: &mut GraphProto,
    w_name: &str,
    w_dims: Vec<i64>,
    weights: &[f32],
    bias: Vec<f64>,
) -> (String, String) {
    let bias: Vec<f32> = bias.into_iter().map(|b| b as f32).collect();
    let w_new = fresh_name(graph, w_name);
    let b_new = fresh_name(graph, &format!("{w_name}_bias"));
    graph
        .initializer
        .push(float_tensor(w_new.clone(), w_dims, weights));
    graph
        .initializer
        .push(float_tensor(b_new.clone(), vec![bias.len() as i64], &bias));
    (w_new, b_new)
}

#[cfg(test)]
mod tests {
    use super::super::proto::{test_initializer as init, test_node as node, test_output};
    use super::*;
    use tract_onnx::pb::AttributeProto;

    /// `x · [2, 3] + [1, −1]` (per channel) into a 1×1 conv with weights
    /// `[0.5, 4]` and bias `[10]`, optionally padded.
    fn graph(pads: i64) -> GraphProto {
        let mut conv = node("Conv", &["y", "w", "b"], "z");
        conv.attribute.push(AttributeProto {
            name: "pads".into(),
            ints: vec![pads; 4],
            ..AttributeProto::default()
        });
        GraphProto {
            node: vec![
                node("Mul", &["x", "s"], "xs"),
                node("Add", &["xs", "t"], "y"),
                conv,
            ],
            initializer: vec![
                float_tensor("s".into(), vec![1, 2, 1, 1], &[2.0, 3.0]),
                float_tensor("t".into(), vec![1, 2, 1, 1], &[1.0, -1.0]),
                float_tensor("w".into(), vec![1, 2, 1, 1], &[0.5, 4.0]),
                float_tensor("b".into(), vec![1], &[10.0]),
            ],
            output: vec![test_output("z")],
            ..GraphProto::default()
        }
    }

    #[test]
    fn keras_batchnorm_folds_into_an_unpadded_conv() {
        let mut g = graph(0);
        assert_eq!(fold_affine_into_conv(&mut g), 1);
        assert_eq!(g.node.len(), 1);
        let conv = &g.node[0];
        assert_eq!(conv.input[0], "x");
        assert_eq!(init(&g, &conv.input[1]), vec![1.0, 12.0]);
        // 10 + 0.5 · 1 + 4 · (−1)
        assert_eq!(init(&g, &conv.input[2]), vec![6.5]);
    }

    #[test]
    fn padded_conv_keeps_its_batchnorm() {
        let mut g = graph(1);
        assert_eq!(fold_affine_into_conv(&mut g), 0);
        assert_eq!(g.node.len(), 3);
    }

    #[test]
    fn batchnormalization_node_folds() {
        let mut g = graph(0);
        g.node = vec![
            node(
                "BatchNormalization",
                &["x", "gamma", "beta", "mean", "var"],
                "y",
            ),
            g.node[2].clone(),
        ];
        g.initializer.extend([
            float_tensor("gamma".into(), vec![2], &[2.0, 1.0]),
            float_tensor("beta".into(), vec![2], &[0.0, 1.0]),
            float_tensor("mean".into(), vec![2], &[1.0, 0.0]),
            float_tensor("var".into(), vec![2], &[4.0 - 1e-5, 1.0 - 1e-5]),
        ]);
        assert_eq!(fold_affine_into_conv(&mut g), 1);
        let conv = &g.node[0];
        // scale [1, 1], shift [−1, 1]
        let w = init(&g, &conv.input[1]);
        assert!(
            (w[0] - 0.5).abs() < 1e-6 && (w[1] - 4.0).abs() < 1e-6,
            "{w:?}"
        );
        let b = init(&g, &conv.input[2]);
        assert!((b[0] - 13.5).abs() < 1e-5, "{b:?}");
    }
}
