//! Load-time graph rewrite: make computed `Reshape` shapes constant.
//!
//! Keras 3 + tf2onnx export `Flatten` as `Shape → Gather → Cast → Slice →
//! Concat → Cast → Reshape`: the target shape `[batch, 480]` is computed from
//! the input's runtime shape. tract needs a `Reshape` shape it can read at load
//! time, so with a symbolic batch it rejects the graph ("shape input is
//! variable").
//!
//! This pass evaluates such shape sub-graphs over integer vectors whose entries
//! are either known or unknown. When a `Reshape` target has exactly one unknown
//! entry and no `-1`, the unknown entry is replaced by `-1` and the shape
//! becomes a constant initializer. That is exact: ONNX infers a `-1` entry from
//! the element count, which equals the computed value whenever the original
//! reshape was valid. The now-dead shape arithmetic is then pruned.

use std::collections::{HashMap, HashSet};

use tract_onnx::pb::{GraphProto, NodeProto, TensorProto};

use super::proto::{INT32, INT64};

/// One entry of a shape vector: known at load time, or only at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Known(i64),
    Unknown,
}

/// What is known about an integer tensor of the shape sub-graph.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// The full output of `Shape(x)` (rank unknown here).
    ShapeOf,
    /// A scalar or 1-D vector.
    Vector(Vec<Dim>),
}

/// Rewrites every `Reshape` whose shape is computed but determined up to one
/// runtime entry; returns how many were rewritten.
pub(crate) fn constant_reshape_shapes(graph: &mut GraphProto) -> usize {
    let mut values: HashMap<String, Value> = HashMap::new();
    for init in &graph.initializer {
        if let Some(v) = int_vector(init) {
            values.insert(init.name.clone(), Value::Vector(v));
        }
    }
    let mut new_inits = Vec::new();
    let mut rewritten = 0;
    for (index, node) in graph.node.iter_mut().enumerate() {
        if node.op_type == "Reshape" && node.domain.is_empty() {
            if let Some(shape) = node.input.get(1).and_then(|n| values.get(n))
                && let Some(fixed) = fixed_shape(shape)
                && !is_constant(&node.input[1], &graph.initializer)
            {
                let name = format!("genre_reshape_shape_{index}");
                new_inits.push(TensorProto {
                    name: name.clone(),
                    data_type: INT64,
                    dims: vec![fixed.len() as i64],
                    int64_data: fixed,
                    ..TensorProto::default()
                });
                node.input[1] = name;
                rewritten += 1;
            }
            continue;
        }
        if let Some(v) = evaluate(node, &values)
            && let Some(out) = node.output.first()
        {
            values.insert(out.clone(), v);
        }
    }
    if rewritten > 0 {
        graph.initializer.extend(new_inits);
        prune_dead_nodes(graph);
    }
    rewritten
}

fn is_constant(name: &str, inits: &[TensorProto]) -> bool {
    inits.iter().any(|t| t.name == name)
}

/// A reshape target with exactly one unknown entry and no `-1` becomes constant.
fn fixed_shape(value: &Value) -> Option<Vec<i64>> {
    let Value::Vector(dims) = value else {
        return None;
    };
    let unknown = dims.iter().filter(|d| **d == Dim::Unknown).count();
    let has_minus_one = dims.contains(&Dim::Known(-1));
    if unknown != 1 || has_minus_one {
        return None;
    }
    Some(
        dims.iter()
            .map(|d| match d {
                Dim::Known(k) => *k,
                Dim::Unknown => -1,
            })
            .collect(),
    )
}

fn attr_int(node: &NodeProto, name: &str) -> Option<i64> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.i)
}

fn input<'a>(node: &NodeProto, i: usize, values: &'a HashMap<String, Value>) -> Option<&'a Value> {
    node.input.get(i).and_then(|n| values.get(n))
}

fn known_ints(value: &Value) -> Option<Vec<i64>> {
    match value {
        Value::Vector(v) => v
            .iter()
            .map(|d| match d {
                Dim::Known(k) => Some(*k),
                Dim::Unknown => None,
            })
            .collect(),
        Value::ShapeOf => None,
    }
}

/// Evaluates one node of integer shape arithmetic, if it is one we model.
fn evaluate(node: &NodeProto, values: &HashMap<String, Value>) -> Option<Value> {
    if !node.domain.is_empty() {
        return None;
    }
    match node.op_type.as_str() {
        "Shape" => {
            let start = attr_int(node, "start").unwrap_or(0);
            let end = attr_int(node, "end");
            (start == 0 && end.is_none()).then_some(Value::ShapeOf)
        }
        "Constant" => {
            let t = node
                .attribute
                .iter()
                .find(|a| a.name == "value")?
                .t
                .as_ref()?;
            int_vector(t).map(Value::Vector)
        }
        "Cast" => {
            let to = attr_int(node, "to")?;
            if to == i64::from(INT32) || to == i64::from(INT64) {
                input(node, 0, values).cloned()
            } else {
                None
            }
        }
        "Identity" | "Squeeze" | "Unsqueeze" => match input(node, 0, values)? {
            // A scalar and a one-element vector carry the same entries.
            Value::Vector(v) if v.len() <= 1 => Some(Value::Vector(v.clone())),
            Value::Vector(v) if node.op_type == "Identity" => Some(Value::Vector(v.clone())),
            _ => None,
        },
        "Gather" => {
            if attr_int(node, "axis").unwrap_or(0) != 0 {
                return None;
            }
            let indices = known_ints(input(node, 1, values)?)?;
            match input(node, 0, values)? {
                Value::ShapeOf => indices
                    .iter()
                    .map(|&i| (i >= 0).then_some(Dim::Unknown))
                    .collect::<Option<Vec<_>>>()
                    .map(Value::Vector),
                Value::Vector(v) => indices
                    .iter()
                    .map(|&i| {
                        let len = v.len() as i64;
                        let j = if i < 0 { i + len } else { i };
                        usize::try_from(j).ok().and_then(|j| v.get(j).copied())
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(Value::Vector),
            }
        }
        "Slice" => {
            let data = input(node, 0, values)?;
            let one = |i: usize| -> Option<i64> {
                match known_ints(input(node, i, values)?)?.as_slice() {
                    [x] => Some(*x),
                    _ => None,
                }
            };
            let (start, end) = (one(1)?, one(2)?);
            if node.input.len() > 3 && !node.input[3].is_empty() && one(3)? != 0 {
                return None;
            }
            if node.input.len() > 4 && !node.input[4].is_empty() && one(4)? != 1 {
                return None;
            }
            let v = match data {
                Value::Vector(v) => v,
                // `shape[0:1]` of any tensor of rank >= 1 is its first dim.
                Value::ShapeOf if start == 0 && end == 1 => {
                    return Some(Value::Vector(vec![Dim::Unknown]));
                }
                Value::ShapeOf => return None,
            };
            let len = v.len() as i64;
            let clamp = |x: i64| if x < 0 { (x + len).max(0) } else { x.min(len) };
            let (s, e) = (clamp(start) as usize, clamp(end) as usize);
            Some(Value::Vector(if s < e {
                v[s..e].to_vec()
            } else {
                Vec::new()
            }))
        }
        "Concat" => {
            let mut out = Vec::new();
            for i in 0..node.input.len() {
                match input(node, i, values)? {
                    Value::Vector(v) => out.extend_from_slice(v),
                    Value::ShapeOf => return None,
                }
            }
            Some(Value::Vector(out))
        }
        _ => None,
    }
}

/// The entries of a small INT32/INT64 constant tensor (rank ≤ 1).
fn int_vector(t: &TensorProto) -> Option<Vec<Dim>> {
    if t.dims.len() > 1 || t.dims.first().is_some_and(|&d| !(0..=64).contains(&d)) {
        return None;
    }
    let ints = super::proto::ints(t)?;
    Some(ints.into_iter().map(Dim::Known).collect())
}

/// Removes nodes none of whose outputs reach a graph output.
pub(crate) fn prune_dead_nodes(graph: &mut GraphProto) {
    let mut live: HashSet<String> = graph.output.iter().map(|o| o.name.clone()).collect();
    let mut keep = vec![false; graph.node.len()];
    for (i, node) in graph.node.iter().enumerate().rev() {
        if node.output.iter().any(|o| live.contains(o)) {
            keep[i] = true;
            live.extend(node.input.iter().filter(|n| !n.is_empty()).cloned());
        }
    }
    let mut flags = keep.into_iter();
    graph.node.retain(|_| flags.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::super::proto::test_node as node;
    use super::*;
    use tract_onnx::pb::{AttributeProto, ValueInfoProto};

    fn ints(name: &str, v: &[i64]) -> TensorProto {
        TensorProto {
            name: name.into(),
            data_type: INT64,
            dims: vec![v.len() as i64],
            int64_data: v.to_vec(),
            ..TensorProto::default()
        }
    }

    fn flatten_graph(tail: &[i64]) -> GraphProto {
        let mut cast = node("Cast", &["shape"], "shape32");
        cast.attribute.push(AttributeProto {
            name: "to".into(),
            i: INT32.into(),
            ..Default::default()
        });
        GraphProto {
            node: vec![
                node("Shape", &["x"], "shape"),
                cast,
                node("Slice", &["shape32", "zero", "one"], "batch"),
                node("Concat", &["batch", "tail"], "target"),
                node("Reshape", &["x", "target"], "y"),
            ],
            initializer: vec![ints("zero", &[0]), ints("one", &[1]), ints("tail", tail)],
            output: vec![ValueInfoProto {
                name: "y".into(),
                ..Default::default()
            }],
            ..GraphProto::default()
        }
    }

    #[test]
    fn flatten_shape_becomes_constant_and_dead_nodes_go() {
        let mut g = flatten_graph(&[480]);
        assert_eq!(constant_reshape_shapes(&mut g), 1);
        assert_eq!(g.node.len(), 1);
        let shape = &g.node[0].input[1];
        let t = g
            .initializer
            .iter()
            .find(|t| &t.name == shape)
            .map(|t| t.int64_data.clone());
        assert_eq!(t, Some(vec![-1, 480]));
    }

    #[test]
    fn two_unknowns_or_minus_one_are_left_alone() {
        let mut g = flatten_graph(&[-1]);
        assert_eq!(constant_reshape_shapes(&mut g), 0);
        assert_eq!(g.node.len(), 5);
    }
}
