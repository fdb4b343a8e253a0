//! Load-time graph rewrite: make computed `Pad` amounts constant.
//!
//! `torch.onnx.export` writes `F.pad(x, [l, r, t, b])` as a small constant
//! sub-graph (`Constant → ConstantOfShape → Concat → Reshape → Slice (step
//! −1) → Transpose → Reshape → Cast`) that reorders PyTorch's last-axis-first
//! pad list into ONNX's `[x1_begin, …, x1_end, …]` layout. Its value never
//! depends on the input, but it is not an initializer, so the H/W swap of
//! [`super::layout`] cannot rewrite the `Pad`. This pass evaluates such
//! sub-graphs over small tensors and turns the `Pad`'s `pads` and
//! `constant_value` inputs into initializers; the dead sub-graph is pruned.

use std::collections::HashMap;

use tract_onnx::pb::{GraphProto, NodeProto, TensorProto};

use super::proto::{INT64, attr_int, attr_ints, float_tensor, floats, fresh_name, ints};
use super::rewrite::prune_dead_nodes;

/// Largest tensor this pass builds (pad lists have 8 entries).
const MAX_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq)]
enum Data {
    Int(Vec<i64>),
    Float(Vec<f32>),
}

/// A small constant tensor.
#[derive(Debug, Clone, PartialEq)]
struct Value {
    dims: Vec<usize>,
    data: Data,
}

impl Value {
    fn len(&self) -> usize {
        match &self.data {
            Data::Int(v) => v.len(),
            Data::Float(v) => v.len(),
        }
    }

    fn ints(&self) -> Option<&[i64]> {
        match &self.data {
            Data::Int(v) => Some(v),
            Data::Float(_) => None,
        }
    }

    /// The entries at `indices` (flat), same type.
    fn gather(&self, dims: Vec<usize>, indices: &[usize]) -> Option<Value> {
        let data = match &self.data {
            Data::Int(v) => Data::Int(
                indices
                    .iter()
                    .map(|&i| v.get(i).copied())
                    .collect::<Option<_>>()?,
            ),
            Data::Float(v) => Data::Float(
                indices
                    .iter()
                    .map(|&i| v.get(i).copied())
                    .collect::<Option<_>>()?,
            ),
        };
        Some(Value { dims, data })
    }
}

fn from_tensor(t: &TensorProto) -> Option<Value> {
    let dims = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d).ok())
        .collect::<Option<Vec<_>>>()?;
    let data = match floats(t) {
        Some(v) => Data::Float(v),
        None => Data::Int(ints(t)?),
    };
    let value = Value { dims, data };
    (value.len() == value.dims.iter().product::<usize>() && value.len() <= MAX_LEN).then_some(value)
}

/// Row-major strides of `dims`.
fn strides(dims: &[usize]) -> Vec<usize> {
    let mut s = vec![1; dims.len()];
    for i in (0..dims.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * dims[i + 1];
    }
    s
}

/// Flat indices of the cartesian product of per-axis index lists.
fn product(axes: &[Vec<usize>], strides: &[usize]) -> Vec<usize> {
    let mut flat = vec![0usize];
    for (list, &stride) in axes.iter().zip(strides) {
        flat = flat
            .iter()
            .flat_map(|&base| list.iter().map(move |&i| base + i * stride))
            .collect();
    }
    flat
}

/// Evaluates one node over known constants, if it is one modelled here.
fn evaluate(node: &NodeProto, known: &HashMap<String, Value>) -> Option<Value> {
    if !node.domain.is_empty() {
        return None;
    }
    let input = |i: usize| {
        node.input
            .get(i)
            .filter(|n| !n.is_empty())
            .and_then(|n| known.get(n))
    };
    let tensor_attr = |name: &str| {
        node.attribute
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.t.as_ref())
    };
    match node.op_type.as_str() {
        "Constant" => from_tensor(tensor_attr("value")?),
        "ConstantOfShape" => {
            let shape = input(0)?.ints()?;
            let dims = shape
                .iter()
                .map(|&d| usize::try_from(d).ok())
                .collect::<Option<Vec<_>>>()?;
            let n: usize = dims.iter().product();
            if n > MAX_LEN {
                return None;
            }
            let data = match tensor_attr("value").map(from_tensor) {
                None => Data::Float(vec![0.0; n]),
                Some(Some(Value {
                    data: Data::Float(v),
                    ..
                })) if v.len() == 1 => Data::Float(vec![v[0]; n]),
                Some(Some(Value {
                    data: Data::Int(v), ..
                })) if v.len() == 1 => Data::Int(vec![v[0]; n]),
                _ => return None,
            };
            Some(Value { dims, data })
        }
        "Cast" => {
            let x = input(0)?;
            match (attr_int(node, "to")?, &x.data) {
                (6 | 7, Data::Int(_)) | (1, Data::Float(_)) => Some(x.clone()),
                _ => None,
            }
        }
        "Concat" => {
            let mut out: Option<Value> = None;
            for i in 0..node.input.len() {
                let x = input(i)?;
                if x.dims.len() != 1 {
                    return None;
                }
                out = Some(match (out, &x.data) {
                    (None, _) => x.clone(),
                    (
                        Some(Value {
                            data: Data::Int(mut a),
                            ..
                        }),
                        Data::Int(b),
                    ) => {
                        a.extend_from_slice(b);
                        Value {
                            dims: vec![a.len()],
                            data: Data::Int(a),
                        }
                    }
                    (
                        Some(Value {
                            data: Data::Float(mut a),
                            ..
                        }),
                        Data::Float(b),
                    ) => {
                        a.extend_from_slice(b);
                        Value {
                            dims: vec![a.len()],
                            data: Data::Float(a),
                        }
                    }
                    _ => return None,
                });
            }
            out.filter(|v| v.len() <= MAX_LEN)
        }
        "Reshape" => {
            let (x, shape) = (input(0)?, input(1)?.ints()?);
            if attr_int(node, "allowzero").unwrap_or(0) != 0 {
                return None;
            }
            let mut dims = Vec::with_capacity(shape.len());
            let mut infer = None;
            for (i, &d) in shape.iter().enumerate() {
                match d {
                    -1 if infer.is_none() => {
                        infer = Some(i);
                        dims.push(1);
                    }
                    0 => dims.push(*x.dims.get(i)?),
                    d => dims.push(usize::try_from(d).ok()?),
                }
            }
            let known: usize = dims.iter().product();
            if let Some(i) = infer {
                if known == 0 || x.len() % known != 0 {
                    return None;
                }
                dims[i] = x.len() / known;
            }
            (dims.iter().product::<usize>() == x.len()).then(|| Value {
                dims,
                data: x.data.clone(),
            })
        }
        "Transpose" => {
            let x = input(0)?;
            let rank = x.dims.len();
            let perm: Vec<usize> = match attr_ints(node, "perm") {
                Some(p) => p
                    .iter()
                    .map(|&a| usize::try_from(a).ok())
                    .collect::<Option<_>>()?,
                None => (0..rank).rev().collect(),
            };
            let mut sorted = perm.clone();
            sorted.sort_unstable();
            if sorted != (0..rank).collect::<Vec<_>>() {
                return None;
            }
            let st = strides(&x.dims);
            let dims: Vec<usize> = perm.iter().map(|&a| x.dims[a]).collect();
            let axes: Vec<Vec<usize>> = dims.iter().map(|&d| (0..d).collect()).collect();
            let pst: Vec<usize> = perm.iter().map(|&a| st[a]).collect();
            x.gather(dims, &product(&axes, &pst))
        }
        "Slice" => {
            let x = input(0)?;
            let rank = x.dims.len() as i64;
            let list = |i: usize| input(i).and_then(|v| v.ints().map(<[i64]>::to_vec));
            let (starts, ends) = (list(1)?, list(2)?);
            let axes = match node.input.get(3).filter(|n| !n.is_empty()) {
                Some(_) => list(3)?,
                None => (0..starts.len() as i64).collect(),
            };
            let steps = match node.input.get(4).filter(|n| !n.is_empty()) {
                Some(_) => list(4)?,
                None => vec![1; starts.len()],
            };
            if ends.len() != starts.len()
                || axes.len() != starts.len()
                || steps.len() != starts.len()
            {
                return None;
            }
            let mut per_axis: Vec<Vec<usize>> = x.dims.iter().map(|&d| (0..d).collect()).collect();
            for (((&s, &e), &a), &step) in starts.iter().zip(&ends).zip(&axes).zip(&steps) {
                let a = usize::try_from(if a < 0 { a + rank } else { a }).ok()?;
                let len = i64::try_from(*x.dims.get(a)?).ok()?;
                if step == 0 {
                    return None;
                }
                let wrap = |v: i64| if v < 0 { v + len } else { v };
                let (lo, hi) = if step > 0 { (0, len) } else { (-1, len - 1) };
                let (s, e) = (wrap(s).clamp(lo, hi), wrap(e).clamp(lo, hi));
                let mut idx = Vec::new();
                let mut i = s;
                while (step > 0 && i < e) || (step < 0 && i > e) {
                    idx.push(usize::try_from(i).ok()?);
                    i += step;
                }
                per_axis[a] = idx;
            }
            let dims: Vec<usize> = per_axis.iter().map(Vec::len).collect();
            x.gather(dims, &product(&per_axis, &strides(&x.dims)))
        }
        _ => None,
    }
}

fn to_tensor(name: String, value: &Value) -> TensorProto {
    let dims: Vec<i64> = value.dims.iter().map(|&d| d as i64).collect();
    match &value.data {
        Data::Float(v) => float_tensor(name, dims, v),
        Data::Int(v) => TensorProto {
            name,
            data_type: INT64,
            dims,
            int64_data: v.clone(),
            ..TensorProto::default()
        },
    }
}

/// Makes the computed `pads` / `constant_value` inputs of every `Pad`
/// initializers; returns how many inputs were replaced.
pub(crate) fn constant_pads(graph: &mut GraphProto) -> usize {
    let mut known: HashMap<String, Value> = graph
        .initializer
        .iter()
        .filter_map(|t| Some((t.name.clone(), from_tensor(t)?)))
        .collect();
    let mut replaced = 0;
    for index in 0..graph.node.len() {
        let node = &graph.node[index];
        if node.op_type == "Pad" && node.domain.is_empty() {
            let mut swaps = Vec::new();
            for (i, name) in node.input.iter().enumerate().skip(1) {
                let is_init = graph.initializer.iter().any(|t| &t.name == name);
                if let Some(v) = known.get(name).filter(|_| !is_init) {
                    swaps.push((i, name.clone(), v.clone()));
                }
            }
            for (i, name, value) in swaps {
                let fresh = fresh_name(graph, &name);
                graph.initializer.push(to_tensor(fresh.clone(), &value));
                graph.node[index].input[i] = fresh;
                replaced += 1;
            }
            continue;
        }
        if let Some(v) = evaluate(node, &known)
            && let Some(out) = node.output.first()
        {
            known.insert(out.clone(), v);
        }
    }
    if replaced > 0 {
        prune_dead_nodes(graph);
    }
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;
    use tract_onnx::prelude::Framework;

    /// PyTorch's `F.pad(x, [1, 1, 0, 1])` sub-graph gives ONNX pads
    /// `[0, 0, 0, 1, 0, 0, 1, 1]` (begin N, C, H, W, then end N, C, H, W).
    #[test]
    fn torch_pad_subgraphs_become_initializers() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/models");
        let bytes = std::fs::read(dir.join("torch_nchw_meta.onnx")).unwrap();
        let mut proto = tract_onnx::onnx()
            .proto_model_for_read(&mut bytes.as_slice())
            .unwrap();
        let g = proto.graph.as_mut().unwrap();
        assert_eq!(constant_pads(g), 6);
        let pads: Vec<Vec<i64>> = g
            .node
            .iter()
            .filter(|n| n.op_type == "Pad")
            .map(|n| {
                let t = g.initializer.iter().find(|t| t.name == n.input[1]).unwrap();
                ints(t).unwrap()
            })
            .collect();
        assert_eq!(pads[0], vec![0, 0, 0, 1, 0, 0, 1, 1]);
        assert_eq!(pads.len(), 3);
        let ops: Vec<&str> = g.node.iter().map(|n| n.op_type.as_str()).collect();
        assert!(!ops.contains(&"ConstantOfShape"), "{ops:?}");
        // With constant pads the whole conv stack gets the H/W swap.
        assert!(super::super::layout::widen_narrow_planes(g));
        let transposes = g.node.iter().filter(|n| n.op_type == "Transpose").count();
        assert_eq!(transposes, 2);
    }

    #[test]
    fn slices_with_negative_steps_reverse() {
        let mut known = HashMap::new();
        let v = |dims: Vec<usize>, d: Vec<i64>| Value {
            dims,
            data: Data::Int(d),
        };
        known.insert("x".to_string(), v(vec![3, 2], vec![1, 2, 3, 4, 5, 6]));
        known.insert("s".to_string(), v(vec![1], vec![-1]));
        known.insert("e".to_string(), v(vec![1], vec![i64::MIN + 1]));
        known.insert("a".to_string(), v(vec![1], vec![0]));
        known.insert("st".to_string(), v(vec![1], vec![-1]));
        let node = NodeProto {
            op_type: "Slice".into(),
            input: ["x", "s", "e", "a", "st"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            output: vec!["y".into()],
            ..NodeProto::default()
        };
        assert_eq!(
            evaluate(&node, &known),
            Some(v(vec![3, 2], vec![5, 6, 3, 4, 1, 2]))
        );
    }
}
