//! Reading Parquet tables (pandas' `to_parquet` output) as pandas would type
//! them: floats → float64; integers → int64, or float64 when they hold nulls;
//! strings, booleans and dictionary (pandas `category`) columns → labels.

use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::column::{ColumnValues, Dataset};
use crate::error::{Error, Result};

/// One column being accumulated across record batches.
enum Acc {
    Float(Vec<f64>),
    Int(Vec<Option<i64>>),
    Str(Vec<Option<String>>),
}

/// Reads a Parquet file into a typed [`Dataset`] (pandas index columns skipped).
pub fn read_parquet(path: &Path) -> Result<Dataset> {
    let err = |column: Option<String>, reason: String| Error::Table {
        path: path.to_path_buf(),
        row: None,
        column,
        reason,
    };
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| err(None, format!("not a readable Parquet file: {e}")))?
        .with_batch_size(65_536)
        .build()
        .map_err(|e| err(None, format!("not a readable Parquet file: {e}")))?;
    let mut names: Vec<String> = Vec::new();
    let mut accs: Vec<Option<Acc>> = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| err(None, format!("corrupt Parquet data: {e}")))?;
        if names.is_empty() {
            names = batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            accs = names.iter().map(|_| None).collect();
        }
        for ((name, acc), col) in names.iter().zip(accs.iter_mut()).zip(batch.columns()) {
            if name.starts_with("__index_level_") {
                continue;
            }
            append(acc, col).map_err(|reason| err(Some(name.clone()), reason))?;
        }
    }
    let mut out = Dataset::new();
    for (name, acc) in names.into_iter().zip(accs) {
        let values = match acc {
            None => continue,
            Some(Acc::Float(v)) => ColumnValues::Float(v),
            Some(Acc::Int(v)) if v.iter().all(Option::is_some) => {
                ColumnValues::Int(v.into_iter().flatten().collect())
            }
            Some(Acc::Int(v)) => ColumnValues::Float(
                v.into_iter()
                    .map(|x| x.map_or(f64::NAN, |x| x as f64))
                    .collect(),
            ),
            Some(Acc::Str(v)) => ColumnValues::Str(v),
        };
        out.push(name, values)?;
    }
    if out.rows() == 0 {
        return Err(err(None, "no data rows".into()));
    }
    Ok(out)
}

fn floats<T: arrow_array::ArrowPrimitiveType>(col: &ArrayRef) -> Option<Vec<f64>>
where
    T::Native: Into<f64>,
{
    let a = col.as_primitive_opt::<T>()?;
    Some(
        (0..a.len())
            .map(|i| {
                if a.is_null(i) {
                    f64::NAN
                } else {
                    a.value(i).into()
                }
            })
            .collect(),
    )
}

fn ints<T: arrow_array::ArrowPrimitiveType>(col: &ArrayRef) -> Option<Vec<Option<i64>>>
where
    T::Native: TryInto<i64>,
{
    let a = col.as_primitive_opt::<T>()?;
    Some(
        (0..a.len())
            .map(|i| {
                if a.is_null(i) {
                    None
                } else {
                    a.value(i).try_into().ok()
                }
            })
            .collect(),
    )
}

/// Labels of a string, boolean or dictionary column.
fn labels(col: &ArrayRef) -> Option<Vec<Option<String>>> {
    if let Some(a) = col.as_string_opt::<i32>() {
        return Some(
            (0..a.len())
                .map(|i| (!a.is_null(i)).then(|| a.value(i).to_string()))
                .collect(),
        );
    }
    if let Some(a) = col.as_string_opt::<i64>() {
        return Some(
            (0..a.len())
                .map(|i| (!a.is_null(i)).then(|| a.value(i).to_string()))
                .collect(),
        );
    }
    if let Some(a) = col.as_string_view_opt() {
        return Some(
            (0..a.len())
                .map(|i| (!a.is_null(i)).then(|| a.value(i).to_string()))
                .collect(),
        );
    }
    if let Some(a) = col.as_boolean_opt() {
        let f = |b: bool| if b { "True" } else { "False" }.to_string();
        return Some(
            (0..a.len())
                .map(|i| (!a.is_null(i)).then(|| f(a.value(i))))
                .collect(),
        );
    }
    if let Some(d) = col.as_any_dictionary_opt() {
        let values = labels(d.values())?;
        let keys = d.normalized_keys();
        return Some(
            keys.iter()
                .enumerate()
                .map(|(i, &k)| {
                    if d.keys().is_null(i) {
                        None
                    } else {
                        values.get(k).cloned().flatten()
                    }
                })
                .collect(),
        );
    }
    None
}

fn append(acc: &mut Option<Acc>, col: &ArrayRef) -> std::result::Result<(), String> {
    let batch_floats = floats::<Float64Type>(col).or_else(|| floats::<Float32Type>(col));
    let batch_ints = || {
        ints::<Int64Type>(col)
            .or_else(|| ints::<Int32Type>(col))
            .or_else(|| ints::<Int16Type>(col))
            .or_else(|| ints::<Int8Type>(col))
            .or_else(|| ints::<UInt64Type>(col))
            .or_else(|| ints::<UInt32Type>(col))
            .or_else(|| ints::<UInt16Type>(col))
            .or_else(|| ints::<UInt8Type>(col))
    };
    let acc = acc.get_or_insert_with(|| {
        if batch_floats.is_some() {
            Acc::Float(Vec::new())
        } else if batch_ints().is_some() {
            Acc::Int(Vec::new())
        } else {
            Acc::Str(Vec::new())
        }
    });
    match acc {
        Acc::Float(v) => v.extend(batch_floats.ok_or("column type changed between row groups")?),
        Acc::Int(v) => {
            v.extend(batch_ints().ok_or_else(|| "unsupported integer column type".to_string())?)
        }
        Acc::Str(v) => v.extend(
            labels(col).ok_or_else(|| format!("unsupported column type {}", col.data_type()))?,
        ),
    }
    Ok(())
}
