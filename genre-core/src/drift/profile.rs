//! A saved reference profile: the cleaned reference once, so a monitor never
//! reloads training data.
//!
//! Each numerical (float or int) column is kept as its sorted finite values,
//! each string column as counts per label. Every implemented method and the
//! default test choice depend on nothing else, so a report against a profile
//! is identical — bit for bit — to one against the raw reference, for all 18
//! methods (permutation tests too: genre permutes the sorted pool with the
//! caller's seed). No method needs raw rows: Evidently's only order-dependent
//! results are its unseeded permutation draws, which genre replaces anyway.
//!
//! File format: `GENREPF1`, a little-endian u64 header length, a JSON header
//! (column names, kinds, sizes and label counts), then the sorted values of the
//! numerical columns as little-endian f64, in header order.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::column::{Dataset, Sample};
use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"GENREPF1";

/// Cleaned reference columns, saved once and reused.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    columns: Vec<(String, Sample)>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    columns: Vec<HeaderColumn>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum HeaderColumn {
    Numeric {
        name: String,
        integer: bool,
        len: u64,
    },
    Labels {
        name: String,
        counts: Vec<(String, u64)>,
    },
}

impl Profile {
    /// Profiles `columns` of `reference` (all of them when `None`).
    ///
    /// ```
    /// use genre_core::drift::{ColumnValues, Dataset, Profile};
    /// let mut reference = Dataset::new();
    /// reference.push("x", ColumnValues::Float(vec![3.0, f64::NAN, 1.0]))?;
    /// let profile = Profile::from_reference(&reference, None)?;
    /// assert_eq!(profile.get("x").map(|s| s.len()), Some(2));
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn from_reference(reference: &Dataset, columns: Option<&[String]>) -> Result<Profile> {
        let names: Vec<String> = match columns {
            Some(c) => c.to_vec(),
            None => reference.names().map(str::to_string).collect(),
        };
        let mut out = Profile::default();
        for name in names {
            let values = reference.get(&name).ok_or_else(|| Error::DriftInput {
                column: name.clone(),
                reason: "is missing from the reference dataset".into(),
            })?;
            out.columns.push((name, Sample::from_values(values)));
        }
        Ok(out)
    }

    /// The cleaned sample of `column`.
    pub fn get(&self, column: &str) -> Option<&Sample> {
        self.columns
            .iter()
            .find(|(n, _)| n == column)
            .map(|(_, s)| s)
    }

    /// Column names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(n, _)| n.as_str())
    }

    /// Serialises the profile.
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = Header {
            columns: self
                .columns
                .iter()
                .map(|(name, s)| match s {
                    Sample::Numeric { sorted, integer } => HeaderColumn::Numeric {
                        name: name.clone(),
                        integer: *integer,
                        len: sorted.len() as u64,
                    },
                    Sample::Labels(l) => HeaderColumn::Labels {
                        name: name.clone(),
                        counts: l.clone(),
                    },
                })
                .collect(),
        };
        let json = serde_json::to_vec(&header).unwrap_or_default();
        let mut out = Vec::with_capacity(16 + json.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(json.len() as u64).to_le_bytes());
        out.extend_from_slice(&json);
        for (_, s) in &self.columns {
            if let Sample::Numeric { sorted, .. } = s {
                for v in sorted {
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        out
    }

    /// Parses a profile written by [`Profile::to_bytes`].
    pub fn from_bytes(bytes: &[u8], source: &Path) -> Result<Profile> {
        let bad = |reason: &str| Error::Profile {
            path: source.to_path_buf(),
            reason: reason.to_string(),
        };
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| bad("not a genre profile (bad magic)"))?;
        let (len, rest) = rest
            .split_at_checked(8)
            .ok_or_else(|| bad("truncated header"))?;
        let len = u64::from_le_bytes(len.try_into().map_err(|_| bad("truncated header"))?);
        let len = usize::try_from(len).map_err(|_| bad("header too long"))?;
        let (json, mut data) = rest
            .split_at_checked(len)
            .ok_or_else(|| bad("truncated header"))?;
        let header: Header =
            serde_json::from_slice(json).map_err(|e| bad(&format!("bad header: {e}")))?;
        let mut out = Profile::default();
        for col in header.columns {
            match col {
                HeaderColumn::Numeric { name, integer, len } => {
                    let n = usize::try_from(len).map_err(|_| bad("column too long"))?;
                    let bytes_needed = n.checked_mul(8).ok_or_else(|| bad("column too long"))?;
                    let (chunk, tail) = data
                        .split_at_checked(bytes_needed)
                        .ok_or_else(|| bad("truncated values"))?;
                    let sorted: Vec<f64> = chunk
                        .chunks_exact(8)
                        .map(|c| {
                            let mut b = [0u8; 8];
                            b.copy_from_slice(c);
                            f64::from_le_bytes(b)
                        })
                        .collect();
                    if sorted.iter().any(|v| !v.is_finite())
                        || sorted.windows(2).any(|w| w[0] > w[1])
                    {
                        return Err(bad(&format!(
                            "column {name:?}: values are not sorted finite numbers"
                        )));
                    }
                    data = tail;
                    out.columns
                        .push((name, Sample::Numeric { sorted, integer }));
                }
                HeaderColumn::Labels { name, counts } => {
                    out.columns.push((name, Sample::Labels(counts)))
                }
            }
        }
        if !data.is_empty() {
            return Err(bad("trailing bytes after the last column"));
        }
        Ok(out)
    }

    /// Writes the profile to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_bytes()).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads a profile from `path`.
    pub fn load(path: &Path) -> Result<Profile> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Profile::from_bytes(&bytes, path)
    }
}
