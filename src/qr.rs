//! QR codes as inline SVG, generated at build time, so a printed leaflet leads back to the full page
//! online. No image files, no request to any other host.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An inline `<svg>` for `url`, or an empty string if the URL is too long for a QR code.
pub fn svg(url: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let start = image.find("<svg").unwrap_or(0);
    image[start..].replacen("<svg", "<svg role=\"img\" aria-label=\"二维码：扫码打开完整页面\" class=\"qr\"", 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn inline_svg_without_xml_declaration() {
        let s = super::svg("https://example.gov.cn/fanzha/fraud/task-rebate/");
        assert!(s.starts_with("<svg role=\"img\""), "{}", &s[..80]);
        assert!(s.contains("<path") || s.contains("<rect"));
    }
}
