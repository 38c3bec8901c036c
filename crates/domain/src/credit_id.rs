//! The unified social credit identifier (统一社会信用代码, GB 32100-2015) that names an
//! enterprise: 18 characters of digits and capital letters (no I, O, S, V, Z), the last a check
//! character over the first 17. The provincial platform reports it with an alarm; it is the
//! stable key of an enterprise across desks (names are written in more than one way).

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Whether `id` is a well-formed identifier with the right check character.
pub fn is_valid_credit_id(id: &str) -> bool {
    let values: Option<Vec<u32>> = id
        .chars()
        .map(|c| CHARSET.find(c).map(|i| i as u32))
        .collect();
    let Some(values) = values else { return false };
    if values.len() != 18 {
        return false;
    }
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31 == values[17]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_character_is_verified() {
        assert!(is_valid_credit_id("91350100M000100Y43"));
        assert!(is_valid_credit_id("91410783MA9XL0HJ8A"));
        // One character changed, a letter outside the set, the wrong length.
        assert!(!is_valid_credit_id("91350100M000100Y44"));
        assert!(!is_valid_credit_id("91350100M000100I43"));
        assert!(!is_valid_credit_id("91350100M000100Y4"));
        assert!(!is_valid_credit_id(""));
    }
}
