/// LAPACKE's single-character options as C `char`s.
enum LAPACKOption {
  /// Lower triangle (`'L'`).
  static let lower = CChar(UInt8(ascii: "L"))
  /// Upper triangle (`'U'`).
  static let upper = CChar(UInt8(ascii: "U"))
  /// No transpose (`'N'`).
  static let noTranspose = CChar(UInt8(ascii: "N"))
  /// Compute eigenvectors (`'V'`).
  static let vectors = CChar(UInt8(ascii: "V"))
  /// Thin singular vectors (`'S'`).
  static let thin = CChar(UInt8(ascii: "S"))
}
