//! Vehicle plates of Henan: 豫 + city letter + 5 characters of digits and letters (no I or O),
//! 6 for new-energy plates; trailers end in 挂.

/// Letters allowed in the serial part of a plate.
pub const SERIAL_LETTERS: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ";

pub fn is_valid_plate(plate: &str) -> bool {
    let chars: Vec<char> = plate.chars().collect();
    if chars.len() < 7 || chars[0] != '豫' || !chars[1].is_ascii_uppercase() {
        return false;
    }
    let serial: &[char] = &chars[2..];
    let (serial, len_ok) = match serial.split_last() {
        // Trailer plates carry four serial characters before 挂.
        Some(('挂', rest)) => (rest, rest.len() == 4),
        _ => (serial, serial.len() == 5 || serial.len() == 6),
    };
    len_ok
        && serial
            .iter()
            .all(|c| c.is_ascii_digit() || SERIAL_LETTERS.contains(*c))
}

/// Upper-cases the ASCII part and drops separators (豫a·12345 → 豫A12345) so a typed plate
/// matches the stored one.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .filter(|c| !matches!(c, '·' | ' ' | '-' | '•'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether a (normalized) search term reads as the start of a Henan plate: 豫, or 豫 and a city
/// letter and serial characters. Such a term is searched in plates only.
pub fn is_plate_prefix(term: &str) -> bool {
    let mut chars = term.chars();
    if chars.next() != Some('豫') {
        return false;
    }
    match chars.next() {
        None => true,
        Some(letter) if letter.is_ascii_uppercase() => {
            chars.all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '挂')
        }
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_plates() {
        for p in ["豫A12345", "豫K8B201", "豫AD12345", "豫G1234挂"] {
            assert!(is_valid_plate(p), "{p}");
        }
        for p in ["京A12345", "豫A1234", "豫A12I45", "豫a12345", "豫A1234567"] {
            assert!(!is_valid_plate(p), "{p}");
        }
        assert_eq!(normalize("豫a·12345"), "豫A12345");
        for t in ["豫", "豫A", "豫G12", "豫G1234挂"] {
            assert!(is_plate_prefix(t), "{t}");
        }
        for t in ["豫运集团", "A12", "京港澳", "豫a"] {
            assert!(!is_plate_prefix(t), "{t}");
        }
    }
}
