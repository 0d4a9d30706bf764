/// A numerical failure of a decomposition or solve: a LAPACK routine returned a nonzero `info`, or the
/// input contained NaN or infinity. Shape errors are programming errors and trap instead.
public struct LinearAlgebraError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A complete sentence saying what failed, e.g. naming the LAPACK routine and its `info` value.
  public let description: String

  /// An error with the given sentence.
  public init(_ description: String) {
    self.description = description
  }
}
