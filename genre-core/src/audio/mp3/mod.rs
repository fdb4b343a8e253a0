//! genre's own MPEG-1/2 Layer III decoder (ISO/IEC 11172-3, 13818-3).

// The DSP stages land before the driver that calls them.
#[allow(dead_code)]
mod granule;
#[allow(dead_code)]
mod hybrid;
#[allow(dead_code)]
mod polyphase;
#[cfg(test)]
mod test_rng;
