import Foundation
import LabExperiments
import LabTestSupport
import PropertyBased
import Testing

/// Issue 20, classes 1 and 5 for experiment toys (`lab run --toy`): a size field too large for the
/// machine or out of range, a number too large to compute with, and a field whose range depends on
/// another out-of-range field all end in exit code 2 with one line naming the file and the field,
/// before anything is allocated or written.
@Suite("Experiment toys: sizes and ranges refused before the run")
struct ToySizeTests {
  /// The size fields (samples, features, dimensions, widths) of each experiment's toy, as JSON paths.
  static let sizeFields: [(id: String, path: [String])] = [
    ("absorption", ["trainingSamples"]), ("absorption", ["evaluationSamples"]), ("absorption", ["dictionarySamples"]),
    ("absorption", ["world", "inputDimension"]), ("absorption", ["sae", "width"]),
    ("frontier", ["sampleCount"]), ("frontier", ["heldOutCount"]), ("frontier", ["world", "featureCount"]),
    ("frontier", ["world", "inputDimension"]), ("frontier", ["training", "width"]), ("frontier", ["decoderHiddenWidth"]),
    ("hierarchy", ["world", "sampleCount"]), ("hierarchy", ["absorption", "sampleCount"]),
    ("intuitive", ["trainingSamples"]), ("intuitive", ["evaluationSamples"]), ("intuitive", ["world", "featureCount"]),
    ("intuitive", ["world", "inputDimension"]), ("intuitive", ["training", "width"]),
    ("nsae", ["trainingSamples"]), ("nsae", ["evaluationSamples"]), ("nsae", ["world", "featureCount"]),
    ("nsae", ["toyModel", "hiddenDimension"]), ("nsae", ["sae", "width"]),
    ("suppression", ["trainingSamples"]), ("suppression", ["evaluationSamples"]), ("suppression", ["dictionarySamples"]),
    ("suppression", ["world", "featureCount"]), ("suppression", ["world", "inputDimension"]), ("suppression", ["training", "width"]),
    ("universality", ["trainingSamples"]), ("universality", ["evaluationSamples"]), ("universality", ["world", "featureCount"]),
    ("universality", ["world", "inputDimension"]), ("universality", ["baselineDimension"]),
    ("one-d", ["line", "sampleCount"]), ("one-d", ["arc", "sampleCount"]), ("one-d", ["transition", "gridCount"]),
    ("wide-limit", ["rays", "sampleCount"]), ("wide-limit", ["nets", "sampleCount"]), ("wide-limit", ["splitting", "pointsPerRay"]),
  ]

  /// The default toy of `id` as a JSON object.
  static func defaultToy(_ id: String) throws -> [String: Any] {
    let entry = try #require(ExperimentRegistry.all.first { $0.id == id })
    return try #require(try JSONSerialization.jsonObject(with: entry.resolvedToy(nil, nil, false)) as? [String: Any])
  }

  /// `object` with the value at `path` replaced by `value`.
  static func setting(_ object: [String: Any], _ path: ArraySlice<String>, to value: Any) -> [String: Any] {
    var object = object
    guard let key = path.first else { return object }
    object[key] = path.count == 1 ? value : setting(object[key] as? [String: Any] ?? [:], path.dropFirst(), to: value)
    return object
  }

  /// Runs `lab run id --toy toy.json` on `toy` and expects exit 2 with one line that starts with the
  /// file and contains each of `naming`, and nothing written.
  static func expectRefused(_ id: String, _ toy: [String: Any], naming: [String], quick: Bool = false) throws {
    let directory = try Scratch.directory()
    try JSONSerialization.data(withJSONObject: toy).write(to: directory.appendingPathComponent("toy.json"))
    let result = try LabExecutable.run(["run", id, "--toy", "toy.json", "--out", "reports", "--quiet"] + (quick ? ["--quick"] : []),
                                       in: directory)
    #expect(result.status == 2, "\(id) \(naming): \(result.status) \(result.stderr)")
    #expect(result.stderr.hasPrefix("error: toy.json: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(id): \(result.stderr)")
    for name in naming { #expect(result.stderr.contains(name), "\(id): \(name) not in \(result.stderr)") }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["toy.json"], "\(id) wrote something")
  }

  @Test("Any size field of any experiment's toy set to 10⁸ to 10¹² is refused naming it, with or without --quick, and nothing is written")
  func oversizedFields() async {
    await propertyCheck(count: 24, input: Gen.int(in: 0...(Self.sizeFields.count - 1)), Gen.int(in: 8...12), Gen.bool) { index, exponent, quick in
      let (id, path) = Self.sizeFields[index]
      let value = (0..<exponent).reduce(1) { result, _ in result * 10 }
      try Self.expectRefused(id, Self.setting(try Self.defaultToy(id), path[...], to: value), naming: ["\(path.last!)'"], quick: quick)
    }
  }

  @Test("A field whose range depends on another field is refused, not trapped, when that field is out of range",
        arguments: [("universality", ["trainingSamples"], 0), ("universality", ["trainingSamples"], -1), ("nsae", ["trainingSamples"], 0),
                    ("universality", ["ratios"], 1_000_000_000_000), ("absorption", ["world", "hierarchies"], 1_000_000_000_000)])
  func dependentRanges(_ id: String, _ path: [String], _ value: Int) throws {
    let toy = path == ["ratios"] ? ["ratios": [1, 2, value]] : [:]
    try Self.expectRefused(id, toy.isEmpty ? Self.setting(try Self.defaultToy(id), path[...], to: value)
                                           : try Self.defaultToy(id).merging(toy) { $1 }, naming: [])
  }

  @Test("synth-bench: a batch size or target L0 beyond its range is refused, not trapped")
  func synthBenchRanges() throws {
    var toy = try Self.defaultToy("synth-bench")
    toy["targetL0s"] = [1, 2, 1_000_000_000]
    try Self.expectRefused("synth-bench", toy, naming: ["'targetL0s'"])
    toy = try Self.defaultToy("synth-bench")
    toy = Self.setting(toy, ["configurations", "quick", "batchSize"], to: 1_000_000_000_000)
    try Self.expectRefused("synth-bench", toy, naming: ["batchSize'"])
  }

  @Test("A number beyond 10¹² (a magnitude of 10³⁰⁰ would run on infinities) is refused naming its field; seeds are exempt")
  func largeNumbers() throws {
    let toy = Self.setting(try Self.defaultToy("intuitive"), ["world", "magnitude", "mean", "value"], to: 1e300)
    try Self.expectRefused("intuitive", toy, naming: ["field 'world.magnitude.mean.value' must have a magnitude of at most 1e+12, got 1e+300"])
    var seeded = try Self.defaultToy("star")
    seeded["seed"] = UInt64.max
    let directory = try Scratch.directory()
    try JSONSerialization.data(withJSONObject: seeded).write(to: directory.appendingPathComponent("toy.json"))
    let result = try LabExecutable.run(["show", "star", "--toy", "toy.json"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
  }
}
