//! FNV-1a (64-bit), the hash every determinism check uses: two runs — or a native and
//! a wasm build — that end with equal hashes of their weights (or data) saw the same
//! bits. Each value goes in as its little-endian bytes, so the hash is the same on
//! every target.

/// A running 64-bit FNV-1a hash.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    pub(crate) fn new() -> Self {
        Fnv1a(Self::OFFSET)
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// The four bytes of `value`'s bits.
    pub(crate) fn f32(&mut self, value: f32) {
        self.bytes(&value.to_bits().to_le_bytes());
    }

    /// The eight bytes of `value`'s bits.
    pub(crate) fn f64(&mut self, value: f64) {
        self.bytes(&value.to_bits().to_le_bytes());
    }

    /// The eight bytes of `word`.
    pub(crate) fn u64(&mut self, word: u64) {
        self.bytes(&word.to_le_bytes());
    }

    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_test_vectors() {
        // FNV-1a 64 of "" is the offset basis; of "a" and "foobar", the reference
        // implementation's values.
        assert_eq!(Fnv1a::new().finish(), 0xcbf2_9ce4_8422_2325);
        let of = |text: &str| {
            let mut hash = Fnv1a::new();
            hash.bytes(text.as_bytes());
            hash.finish()
        };
        assert_eq!(of("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(of("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn numbers_go_in_as_their_little_endian_bits() {
        let mut by_value = Fnv1a::new();
        by_value.f32(1.5);
        by_value.f64(-2.0);
        by_value.u64(7);
        let mut by_bytes = Fnv1a::new();
        by_bytes.bytes(&1.5_f32.to_bits().to_le_bytes());
        by_bytes.bytes(&(-2.0_f64).to_bits().to_le_bytes());
        by_bytes.bytes(&7_u64.to_le_bytes());
        assert_eq!(by_value.finish(), by_bytes.finish());
    }
}
