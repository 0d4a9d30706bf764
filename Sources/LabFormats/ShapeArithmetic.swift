/// Overflow-checked sizes for readers: a hostile file's shape or offsets must end in an error,
/// never in an arithmetic trap.
enum ShapeArithmetic {
  /// The number of elements of `shape` times `elementSize` bytes, or nil when a dimension is
  /// negative or the product does not fit in `Int`.
  static func byteCount(_ shape: [Int], elementSize: Int) -> (elements: Int, bytes: Int)? {
    var elements = 1
    for dim in shape {
      guard dim >= 0 else { return nil }
      let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
      guard !overflow else { return nil }
      elements = product
    }
    let (bytes, overflow) = elements.multipliedReportingOverflow(by: elementSize)
    return overflow ? nil : (elements, bytes)
  }
}
