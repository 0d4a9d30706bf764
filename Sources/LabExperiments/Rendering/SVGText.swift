import Foundation

/// SVG `<text>` elements that stay inside their canvas. Widths are estimated, not measured (an SVG
/// has no font metrics until a browser draws it): ``averageCharacterWidth`` em per character is at
/// or above the mean advance of the common sans-serif faces (Helvetica, Arial, DejaVu Sans) for
/// the digits, letters and symbols the reports use, so an estimate that fits the canvas fits the
/// drawing.
enum SVGText {
  /// Estimated advance of one character, in em.
  static let averageCharacterWidth = 0.6
  /// Distance kept between a text and the canvas edge, in pixels.
  static let edge = 2.0

  /// How text is anchored at its x (SVG `text-anchor`).
  enum Anchor: String {
    case start, middle, end
  }

  /// The estimated width of `string` at font size `size`, in pixels.
  static func width(_ string: String, size: Int) -> Double {
    Double(string.count) * averageCharacterWidth * Double(size)
  }

  /// The smallest font size a text is shrunk to before it is shortened.
  static let smallestSize = 8

  /// `string` at the largest font size ≤ `size` (at least ``smallestSize``) at which it fits in
  /// `length` pixels; a text too long even then is cut and ends in "…".
  static func fitting(_ string: String, size: Int, within length: Double) -> (text: String, size: Int) {
    let room = length - 2 * edge
    var size = size
    while size > smallestSize && width(string, size: size) > room { size -= 1 }
    guard width(string, size: size) > room else { return (string, size) }
    let characters = max(Int(room / (averageCharacterWidth * Double(size))) - 1, 0)
    return (String(string.prefix(characters)) + "…", size)
  }

  /// A text centred at `centre`, shrunk (or cut) to fit `within` pixels and kept inside [0, within].
  static func fitted(_ string: String, centre: Double, y: Double, size: Int, within: Double) -> String {
    clamped(string, x: centre, y: y, size: size, anchor: .middle, canvasWidth: within)
  }

  /// A text at `x` with `anchor`, shrunk or cut if it is wider than the canvas, and shifted so that
  /// its estimated extent stays inside [0, canvasWidth].
  static func clamped(_ string: String, x: Double, y: Double, size: Int, anchor: Anchor, canvasWidth: Double,
                      color: String = "#222") -> String {
    let (string, size) = fitting(string, size: size, within: canvasWidth)
    let w = width(string, size: size)
    let start: Double
    switch anchor {
    case .start: start = x
    case .middle: start = x - w / 2
    case .end: start = x - w
    }
    let shift = max(edge - start, 0) - max(start + w - (canvasWidth - edge), 0)
    return element(string, x: x + shift, y: y, size: size, anchor: anchor, color: color)
  }

  /// A text beside a point at canvas x `x`: to its right, `gap` away, or to its left when it would
  /// leave the canvas on the right.
  static func beside(_ string: String, x: Double, gap: Double, y: Double, size: Int, color: String, canvasWidth: Double) -> String {
    let fitsRight = x + gap + width(string, size: size) <= canvasWidth - edge
    return clamped(string, x: fitsRight ? x + gap : x - gap, y: y, size: size, anchor: fitsRight ? .start : .end,
                   canvasWidth: canvasWidth, color: color)
  }

  /// The `<text>` element itself.
  static func element(_ string: String, x: Double, y: Double, size: Int, anchor: Anchor, color: String = "#222") -> String {
    "<text x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(color)\">\(escaped(string))</text>"
  }

  /// `s` with the XML special characters escaped.
  static func escaped(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
  }

  /// A canvas coordinate rounded to 1/100 pixel, printed the same way every time.
  static func coordinate(_ v: Double) -> String { Figures.format((v * 100).rounded() / 100, digits: 8) }
}
