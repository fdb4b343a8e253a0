//! The two checksums of a FLAC frame (RFC 9639 §9.1.8 and §9.3): CRC-8
//! (polynomial x^8 + x^2 + x + 1) over the frame header and CRC-16
//! (x^16 + x^15 + x^2 + 1) over the whole frame, both MSB-first from zero.
//! CRC-16 runs slicing-by-8 (eight table lookups per eight bytes).

const fn crc8_table() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u8;
        let mut bit = 0;
        while bit < 8 {
            c = if c & 0x80 != 0 {
                (c << 1) ^ 0x07
            } else {
                c << 1
            };
            bit += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

const fn crc16_tables() -> [[u16; 256]; 8] {
    let mut tables = [[0u16; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            c = if c & 0x8000 != 0 {
                (c << 1) ^ 0x8005
            } else {
                c << 1
            };
            bit += 1;
        }
        tables[0][i] = c;
        i += 1;
    }
    // tables[k][x]: the register after `x` followed by k zero bytes.
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[k - 1][i];
            tables[k][i] = (prev << 8) ^ tables[0][(prev >> 8) as usize];
            i += 1;
        }
        k += 1;
    }
    tables
}

static CRC8: [u8; 256] = crc8_table();
static CRC16: [[u16; 256]; 8] = crc16_tables();

/// CRC-8 of a frame header.
pub(crate) fn crc8(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |c, &b| CRC8[usize::from(c ^ b)])
}

/// CRC-16 of a frame.
pub(crate) fn crc16(bytes: &[u8]) -> u16 {
    let t = &CRC16;
    let (blocks, tail) = bytes.as_chunks::<8>();
    let mut c = 0u16;
    for &[b0, b1, b2, b3, b4, b5, b6, b7] in blocks {
        let head = c ^ u16::from_be_bytes([b0, b1]);
        c = t[7][usize::from(head >> 8)]
            ^ t[6][usize::from(head & 0xFF)]
            ^ t[5][usize::from(b2)]
            ^ t[4][usize::from(b3)]
            ^ t[3][usize::from(b4)]
            ^ t[2][usize::from(b5)]
            ^ t[1][usize::from(b6)]
            ^ t[0][usize::from(b7)];
    }
    tail.iter()
        .fold(c, |c, &b| (c << 8) ^ t[0][usize::from((c >> 8) as u8 ^ b)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crc16_bitwise(bytes: &[u8]) -> u16 {
        let mut c = 0u16;
        for &b in bytes {
            c ^= u16::from(b) << 8;
            for _ in 0..8 {
                c = if c & 0x8000 != 0 {
                    (c << 1) ^ 0x8005
                } else {
                    c << 1
                };
            }
        }
        c
    }

    #[test]
    fn sliced_crc16_equals_the_bitwise_definition() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 100, 1000] {
            assert_eq!(crc16(&data[..len]), crc16_bitwise(&data[..len]), "{len}");
        }
        // Check values of CRC-16/UMTS (= FLAC's) and CRC-8/SMBUS (= FLAC's).
        assert_eq!(crc16(b"123456789"), 0xFEE8);
        assert_eq!(crc8(b"123456789"), 0xF4);
    }
}
