//! Small helpers over ONNX protobuf graphs for the load-time rewrites.

use std::collections::HashMap;

use tract_onnx::pb::{GraphProto, NodeProto, TensorProto};

/// ONNX `TensorProto.DataType` codes used here.
const FLOAT: i32 = 1;
pub(crate) const INT32: i32 = 6;
pub(crate) const INT64: i32 = 7;

/// The values of an f32 initializer stored inline (`float_data` or `raw_data`).
pub(crate) fn floats(t: &TensorProto) -> Option<Vec<f32>> {
    if t.data_type != FLOAT || !t.external_data.is_empty() {
        return None;
    }
    let values: Vec<f32> = if t.raw_data.is_empty() {
        t.float_data.clone()
    } else {
        t.raw_data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    let volume = t
        .dims
        .iter()
        .try_fold(1usize, |v, &d| v.checked_mul(usize::try_from(d).ok()?))?;
    (values.len() == volume).then_some(values)
}

/// The values of an INT32/INT64 initializer stored inline.
pub(crate) fn ints(t: &TensorProto) -> Option<Vec<i64>> {
    match t.data_type {
        INT64 if !t.raw_data.is_empty() => Some(
            t.raw_data
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        ),
        INT64 => Some(t.int64_data.clone()),
        INT32 if !t.raw_data.is_empty() => Some(
            t.raw_data
                .chunks_exact(4)
                .map(|c| i64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect(),
        ),
        INT32 => Some(t.int32_data.iter().map(|&x| i64::from(x)).collect()),
        _ => None,
    }
}

/// A node for the rewrite tests.
#[cfg(test)]
pub(crate) fn test_node(op: &str, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        op_type: op.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        ..NodeProto::default()
    }
}

/// The f32 values of initializer `name`, for the rewrite tests.
#[cfg(test)]
pub(crate) fn test_initializer(graph: &GraphProto, name: &str) -> Vec<f32> {
    graph
        .initializer
        .iter()
        .find(|t| t.name == name)
        .and_then(floats)
        .unwrap_or_default()
}

/// A graph output named `name`, for the rewrite tests.
#[cfg(test)]
pub(crate) fn test_output(name: &str) -> tract_onnx::pb::ValueInfoProto {
    tract_onnx::pb::ValueInfoProto {
        name: name.into(),
        ..Default::default()
    }
}

/// A new f32 initializer.
pub(crate) fn float_tensor(name: String, dims: Vec<i64>, values: &[f32]) -> TensorProto {
    TensorProto {
        name,
        data_type: FLOAT,
        dims,
        raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ..TensorProto::default()
    }
}

/// The integer-list attribute `name` of `node`, if present.
pub(crate) fn attr_ints<'a>(node: &'a NodeProto, name: &str) -> Option<&'a [i64]> {
    node.attribute
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.ints.as_slice())
}

/// The integer attribute `name` of `node`, if present.
pub(crate) fn attr_int(node: &NodeProto, name: &str) -> Option<i64> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.i)
}

/// The string attribute `name` of `node`, if present.
pub(crate) fn attr_str<'a>(node: &'a NodeProto, name: &str) -> Option<&'a [u8]> {
    node.attribute
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.s.as_slice())
}

/// How many node inputs and graph outputs read each tensor.
pub(crate) fn use_counts(graph: &GraphProto) -> HashMap<String, usize> {
    let mut uses: HashMap<String, usize> = HashMap::new();
    for name in graph
        .node
        .iter()
        .flat_map(|n| n.input.iter())
        .chain(graph.output.iter().map(|o| &o.name))
    {
        *uses.entry(name.clone()).or_default() += 1;
    }
    uses
}

/// A name for a new tensor that no initializer, node output or graph input uses.
pub(crate) fn fresh_name(graph: &GraphProto, base: &str) -> String {
    let taken = |n: &str| {
        graph.initializer.iter().any(|t| t.name == n)
            || graph.input.iter().any(|i| i.name == n)
            || graph
                .node
                .iter()
                .any(|node| node.output.iter().any(|o| o == n))
    };
    let mut name = format!("{base}_genre");
    let mut i = 0;
    while taken(&name) {
        i += 1;
        name = format!("{base}_genre{i}");
    }
    name
}
