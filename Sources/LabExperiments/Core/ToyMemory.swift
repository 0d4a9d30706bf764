import LabNumerics

/// The memory a run of an experiment toy needs for the arrays whose sizes the toy sets — data,
/// codes, dictionaries, SAE weights with their gradients and Adam moments, batches — checked
/// against the machine (``MemoryBudget``) when a toy file is loaded, before anything is allocated:
/// a toy that asks for more than the machine has is refused with the amount (exit code 2), where it
/// would otherwise abort inside an allocation. Every term is an upper estimate of arrays alive at
/// the same time, in float64 unless it says otherwise.
public struct ToyMemory: Sendable {
  /// One kind of array: `count` elements (nil: the count overflowed `Int`) of `elementSize` bytes.
  public struct Term: Sendable {
    /// Elements, or nil when their count overflowed.
    public var count: Int?
    /// Bytes per element.
    public var elementSize: Int
  }

  /// The fields that set the sizes, as the refusal names them.
  public var what: String
  /// The arrays, summed.
  public var terms: [Term]

  /// A need of `terms`, set by the fields `what` names.
  public init(_ what: String, _ terms: [Term]) {
    self.what = what
    self.terms = terms
  }

  /// The phrase a refusal starts with: "a run with 'field' = value, …", naming the fields that set
  /// the sizes as the toy file spells them.
  public static func fields(_ pairs: [(name: String, value: any CustomStringConvertible)]) -> String {
    "a run with " + pairs.map { "'\($0.name)' = \($0.value)" }.joined(separator: ", ")
  }

  /// `copies` float64 arrays of `factors`' product elements each.
  public static func float64(copies: Int, _ factors: Int?...) -> Term {
    Term(count: product(factors), elementSize: copies * 8)
  }

  /// The product of `factors`, nil when one is nil or negative or the product overflows.
  public static func product(_ factors: [Int?]) -> Int? {
    var result = 1
    for factor in factors {
      guard let factor, factor >= 0 else { return nil }
      let (next, overflow) = result.multipliedReportingOverflow(by: factor)
      guard !overflow else { return nil }
      result = next
    }
    return result
  }

  /// The sum of `values`, nil when one is nil or negative or the sum overflows.
  public static func sum(_ values: [Int?]) -> Int? {
    var result = 0
    for value in values {
      guard let value, value >= 0 else { return nil }
      let (next, overflow) = result.addingReportingOverflow(value)
      guard !overflow else { return nil }
      result = next
    }
    return result
  }

  /// The arrays of one SAE-training run on a world of `features` features in `dimension`: the world's
  /// `features` × `dimension` directions (three copies: drawn, orthogonalised, the dictionary), `samples`
  /// points with their true codes (three copies: drawn, scaled, batched), the latent activations of
  /// a whole sample set (two copies), the SAE's `width` × `dimension` encoder and decoder with
  /// gradients and two Adam moments (eight copies), and one batch's forward and backward buffers.
  public static func saeTraining(samples: Int?, features: Int, dimension: Int, width: Int, batch: Int) -> [Term] {
    [float64(copies: 3, features, dimension), float64(copies: 3, samples, sum([dimension, features])), float64(copies: 2, samples, width),
     float64(copies: 8, width, dimension), float64(copies: 4, batch, sum([width, dimension]))]
  }

  /// The arrays of a dictionary-learning run on `samples` points in `dimension` with `atoms` atoms:
  /// data and residual, codes and their exact re-solve (four copies each), and the dictionary with
  /// its Gram matrix.
  public static func dictionaryLearning(samples: Int?, dimension: Int, atoms: Int) -> [Term] {
    [float64(copies: 4, samples, sum([dimension, atoms])), float64(copies: 2, atoms, sum([dimension, atoms]))]
  }

  /// Nil when the need fits in `available` bytes; otherwise the sentence "`what` needs about N of
  /// memory; the machine has M available" (``MemoryBudget/problem(_:needs:available:)``).
  public func problem(available: Int = MemoryBudget.availableBytes()) -> String? {
    MemoryBudget.problem(what, needs: MemoryBudget.bytes(terms.map { ($0.count, $0.elementSize) }), available: available)
  }
}
