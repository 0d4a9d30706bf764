/// The sparsity options of `lab train` that select an architecture's hyperparameters; nil when not given.
public struct ArchitectureOptions: Equatable, Sendable {
  /// `--l1 C` (relu-l1, relu-l1-unit).
  public var l1: Double?
  /// `--k K` (topk, batchtopk, deep; the target L0 of relu-l1 and jumprelu).
  public var k: Int?
  /// `--alpha A` (nsae).
  public var alpha: Double?
  /// `--noise-sigma S` (nsae; default 1, the NSAE code's `noise_scale`).
  public var noiseSigma: Double?
  /// `--hidden-layers W,…` (deep; default one layer of width d_in).
  public var hiddenLayers: [Int]?
  /// `--decoder-layers W,…` (deep; default none).
  public var decoderLayers: [Int]?
  /// `--input-scale S` (deep; default 1).
  public var inputScale: Double?
  /// `--weight-decay W` (deep; default 5e−4).
  public var weightDecay: Double?
  /// `--prefixes a,b,…` (matryoshka: the inner widths, strictly increasing, below the width).
  public var prefixes: [Int]?

  /// Options; see the properties.
  public init(l1: Double? = nil, k: Int? = nil, alpha: Double? = nil, noiseSigma: Double? = nil, hiddenLayers: [Int]? = nil,
              decoderLayers: [Int]? = nil, inputScale: Double? = nil, weightDecay: Double? = nil, prefixes: [Int]? = nil) {
    self.l1 = l1
    self.k = k
    self.alpha = alpha
    self.noiseSigma = noiseSigma
    self.hiddenLayers = hiddenLayers
    self.decoderLayers = decoderLayers
    self.inputScale = inputScale
    self.weightDecay = weightDecay
    self.prefixes = prefixes
  }

  /// The parameters that were given, by name, with their values.
  var given: [(name: String, value: Any)] {
    let all: [(String, Any?)] = [("l1", l1), ("k", k), ("alpha", alpha), ("noiseSigma", noiseSigma), ("hiddenLayers", hiddenLayers),
                                 ("decoderLayers", decoderLayers), ("inputScale", inputScale), ("weightDecay", weightDecay),
                                 ("prefixes", prefixes)]
    return all.compactMap { name, value in value.map { (name, $0) } }
  }

  /// A refusal of the first given parameter not in `allowed`, or nil.
  func refuseAllBut(_ allowed: [String], kind: String) -> TrainingError? {
    guard let extra = given.first(where: { !allowed.contains($0.name) }) else { return nil }
    return .parameter(extra.name, of: Self.owner, mustBe: "unset for \(kind), which takes \(allowed.map { "'\($0)'" }.joined(separator: ", "))",
                      got: extra.value)
  }

  /// The name errors give as the parameters' owner.
  static let owner = "ArchitectureRegistry"

  /// The error for a parameter `kind` needs and did not get.
  static func missing(_ name: String, for kind: String) -> TrainingError {
    .parameter(name, of: owner, mustBe: "given for \(kind)", got: "nothing")
  }
}

/// The architectures `lab train --arch` accepts, by their command-line names: the shallow
/// ``SAEArchitecture`` kinds and `deep` (``DeepSAEArchitecture``).
public enum ArchitectureKind: String, CaseIterable, Codable, Sendable {
  /// ``ReLUL1Architecture``.
  case reluL1 = "relu-l1"
  /// ``UnitNormReLUL1Architecture``.
  case reluL1Unit = "relu-l1-unit"
  /// ``TopKArchitecture``.
  case topK = "topk"
  /// ``BatchTopKArchitecture``.
  case batchTopK = "batchtopk"
  /// ``MatryoshkaBatchTopKArchitecture``.
  case matryoshka
  /// ``MatchingPursuitArchitecture``.
  case matchingPursuit = "matching-pursuit"
  /// ``JumpReLUTrainingArchitecture``.
  case jumpReLU = "jumprelu"
  /// ``NormalizedSAEArchitecture``.
  case nsae
  /// ``DeepSAEArchitecture``.
  case deep
}

/// Builds the architecture of an ``ArchitectureKind`` from its options, checking each option.
public enum ArchitectureRegistry {
  /// The deep SAE from its options: `k` (1…`width`), `hiddenLayers` (default [m]; the last width
  /// must be m), `decoderLayers` (default none), `inputScale` (default 1), `weightDecay` (default 5e−4).
  public static func makeDeep(options: ArchitectureOptions, inputDimension m: Int, width: Int) -> Result<DeepSAEArchitecture, TrainingError> {
    if let error = options.refuseAllBut(["k", "hiddenLayers", "decoderLayers", "inputScale", "weightDecay"], kind: ArchitectureKind.deep.rawValue) {
      return .failure(error)
    }
    guard let k = options.k else { return .failure(ArchitectureOptions.missing("k", for: ArchitectureKind.deep.rawValue)) }
    let architecture = DeepSAEArchitecture(k: k, encoderHidden: options.hiddenLayers ?? [m], decoderHidden: options.decoderLayers ?? [],
                                           inputScale: options.inputScale ?? 1, weightDecay: options.weightDecay ?? 5e-4)
    if let error = architecture.validate(inputDimension: m, width: width) { return .failure(error) }
    return .success(architecture)
  }

  /// The shallow architecture of `kind` from its options: `relu-l1` needs `l1` (≥ 0) or a target
  /// L0 `k` (1…`width`, reached by a ``TargetL0Controller``), not both; `jumprelu`
  /// needs the target `k` the same way; `relu-l1-unit` needs `l1` (≥ 0); `topk` and `batchtopk` need
  /// `k` (1…`width`); `matryoshka` needs `k` and `prefixes` (strictly increasing, below `width`); `nsae` needs `alpha` (≥ 0) and takes
  /// `noiseSigma` (≥ 0, default 1); `deep` is built by ``makeDeep(options:inputDimension:width:)``
  /// and refused here. A parameter the kind does not take is refused. A failure message names the
  /// parameter and its value (``TrainingError/parameter(_:of:mustBe:got:)``).
  public static func make(kind: ArchitectureKind, options: ArchitectureOptions, width: Int) -> Result<any SAEArchitecture, TrainingError> {
    let name = kind.rawValue
    func only(_ allowed: [String]) -> TrainingError? { options.refuseAllBut(allowed, kind: name) }
    func k() -> Result<Int, TrainingError> {
      guard let k = options.k else { return .failure(ArchitectureOptions.missing("k", for: name)) }
      guard (1...width).contains(k) else { return .failure(.parameter("k", of: ArchitectureOptions.owner, mustBe: "in 1...\(width) (the width)", got: k)) }
      return .success(k)
    }
    /// The target-L0 controller of `--k K`.
    func controller() -> Result<TargetL0Controller, TrainingError> { k().map { TargetL0Controller(target: $0) } }
    switch kind {
    case .reluL1:
      if let error = only(["l1", "k"]) { return .failure(error) }
      if options.l1 != nil && options.k != nil {
        return .failure(.parameter("l1", of: ArchitectureOptions.owner, mustBe: "unset when a target L0 'k' is given (relu-l1 takes one of the two)",
                                   got: options.l1!))
      }
      if options.k != nil { return controller().map { ReLUL1Architecture(controller: $0) } }
      guard let l1 = options.l1 else {
        return .failure(.parameter("l1", of: ArchitectureOptions.owner, mustBe: "given for relu-l1 unless a target L0 'k' is", got: "nothing"))
      }
      guard l1.isFinite && l1 >= 0 else { return .failure(.parameter("l1", of: ArchitectureOptions.owner, mustBe: "a finite number >= 0", got: l1)) }
      return .success(ReLUL1Architecture(l1Coefficient: l1))
    case .jumpReLU:
      if let error = only(["k"]) { return .failure(error) }
      return k().map { JumpReLUTrainingArchitecture.targetL0(width: width, target: $0) }
    case .reluL1Unit:
      if let error = only(["l1"]) { return .failure(error) }
      guard let l1 = options.l1 else { return .failure(ArchitectureOptions.missing("l1", for: name)) }
      guard l1.isFinite && l1 >= 0 else { return .failure(.parameter("l1", of: ArchitectureOptions.owner, mustBe: "a finite number >= 0", got: l1)) }
      return .success(UnitNormReLUL1Architecture(l1Coefficient: l1))
    case .topK:
      if let error = only(["k"]) { return .failure(error) }
      return k().map { TopKArchitecture(k: $0) }
    case .batchTopK:
      if let error = only(["k"]) { return .failure(error) }
      return k().map { BatchTopKArchitecture(k: $0) }
    case .matryoshka:
      if let error = only(["k", "prefixes"]) { return .failure(error) }
      guard let prefixes = options.prefixes, !prefixes.isEmpty else {
        return .failure(.parameter("prefixes", of: ArchitectureOptions.owner, mustBe: "given for matryoshka (the inner widths; the full width is implied)",
                                   got: "nothing"))
      }
      guard prefixes[0] >= 1, zip(prefixes, prefixes.dropFirst()).allSatisfy({ $0 < $1 }), prefixes.last! < width else {
        return .failure(.parameter("prefixes", of: ArchitectureOptions.owner, mustBe: "strictly increasing widths in 1...\(width - 1) (below the width)",
                                   got: prefixes.map(String.init).joined(separator: ",")))
      }
      return k().map { MatryoshkaBatchTopKArchitecture(k: $0, prefixes: prefixes) }
    case .matchingPursuit:
      if let error = only(["k"]) { return .failure(error) }
      return k().map { MatchingPursuitArchitecture(maxIterations: $0) }
    case .nsae:
      if let error = only(["alpha", "noiseSigma"]) { return .failure(error) }
      guard let alpha = options.alpha else { return .failure(ArchitectureOptions.missing("alpha", for: name)) }
      guard alpha.isFinite && alpha >= 0 else { return .failure(.parameter("alpha", of: ArchitectureOptions.owner, mustBe: "a finite number >= 0", got: alpha)) }
      let sigma = options.noiseSigma ?? 1
      guard sigma.isFinite && sigma >= 0 else {
        return .failure(.parameter("noiseSigma", of: ArchitectureOptions.owner, mustBe: "a finite number >= 0", got: sigma))
      }
      return .success(NormalizedSAEArchitecture(alpha: alpha, noiseSigma: sigma))
    case .deep:
      return .failure(TrainingError("deep is built with its input dimension (ArchitectureRegistry.makeDeep)"))
    }
  }
}

/// Input the trainer or the SAELens reader cannot use; the message names the option, file or field.
public struct TrainingError: Error, CustomStringConvertible, Equatable {
  /// What is wrong, naming the option, file or field and the value.
  public let description: String

  /// An error with the given message.
  public init(_ description: String) { self.description = description }
}
