//! A small valid PDF of a few lines of Chinese and Latin text (the demo's dispatch note and
//! credit commitments). The text uses the standard Adobe-GB1 font STSong-Light with the
//! UniGB-UCS2-H encoding, which PDF readers supply, so no font file is embedded.

/// One A4 page with `title` and `lines`, as PDF bytes.
pub fn text_pdf(title: &str, lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT\n/F1 18 Tf\n72 770 Td\n");
    content.push_str(&format!("<{}> Tj\n", ucs2_hex(title)));
    content.push_str("/F1 11 Tf\n0 -36 Td\n");
    for line in lines {
        content.push_str(&format!("<{}> Tj\n0 -20 Td\n", ucs2_hex(line)));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>".to_string(),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>".to_string(),
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Text as UCS-2 big-endian hex (characters outside the BMP become '?').
fn ucs2_hex(s: &str) -> String {
    s.chars()
        .map(|c| {
            let u = u32::from(c);
            let u = if u > 0xFFFF { u32::from('?') } else { u };
            format!("{u:04X}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cross-reference entry points at its object, and the trailer at the table.
    #[test]
    fn the_cross_reference_table_is_exact() {
        let pdf = text_pdf("调运单 Dispatch note", &["货物 110kV 变压器".into()]);
        // The offsets count bytes; the tail after the last stream is ASCII.
        let tail_at = pdf.len() - 400;
        let tail = std::str::from_utf8(&pdf[tail_at..]).expect("ASCII tail");
        let startxref: usize = tail
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        let table = std::str::from_utf8(&pdf[startxref..]).expect("ASCII table");
        assert!(table.starts_with("xref\n0 8\n"), "{table}");
        for (i, line) in table.lines().skip(3).take(7).enumerate() {
            let offset: usize = line[..10].parse().expect("offset");
            assert!(
                pdf[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "object {}",
                i + 1
            );
        }
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("<8C038FD053550020"), "调运单 in UCS-2");
    }
}
