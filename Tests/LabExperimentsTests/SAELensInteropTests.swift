import Foundation
import LabExperiments
import LabFormats
import LabGenerators
import Testing
import LabTestSupport

/// SAELens synthetic-model interop against a fixture written by sae-lens 6.54.12 itself
/// (`Fixtures/make_saelens_fixture.py`): 14 features in 8 dimensions, a compensated depth-2
/// forest with exclusive children scaled by their parent, rank-2 correlation, bias 0.5.
@Suite("SAELens interop")
struct SAELensInteropTests {
  static let fixture = ToyFileTests.repository.appendingPathComponent("Tests/LabExperimentsTests/Fixtures/saelens-small").path

  @Test("re-encoding the fixture's safetensors reproduces sae-lens's bytes")
  func safetensorsBytes() throws {
    let path = Self.fixture + "/synthetic_model.safetensors"
    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    let decoded = try SafeTensors(decoding: original, path: path)
    #expect(decoded.tensors.keys.sorted() == ["bias", "correlation_diag", "correlation_factor", "feature_vectors", "firing_probabilities"])
    #expect(decoded.encoded == original)
  }

  /// Our sampler reproduces sae-lens's firing rates: both are means of 20 000 indicators, so by
  /// Hoeffding and a union bound over 14 features and the two samples, |ours − theirs| <
  /// 2·√(ln(2·28/δ)/(2·20 000)) with probability ≥ 1 − δ, δ = 1e−9 (seed fixed).
  @Test("sampling the fixture matches sae-lens's firing rates and hierarchy")
  func sampling() throws {
    let model = try SAELensSyntheticModel(directory: Self.fixture)
    #expect(model.parents == [nil, nil, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    #expect(model.exclusiveParents == [0, 1, 2, 3, 4, 5] && model.scaledParents == [0, 1, 2, 3, 4, 5])
    let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/saelens_firing_rates.json"))) as? [String: Any]
    let theirs = reference?["firing_rates"] as? [Double] ?? []
    let n = 20_000
    var generator = try model.generator(seed: 5)
    let batch = generator.next(n)
    let t = 2 * (Foundation.log(2 * 28 / 1e-9) / (2 * Double(n))).squareRoot()
    for i in 0..<14 {
      let ours = Double((0..<n).filter { batch.codes[$0, i] > 0 }.count) / Double(n)
      #expect(abs(ours - theirs[i]) <= t, "feature \(i): ours \(ours), sae-lens \(theirs[i]), bound \(t)")
    }
    for r in 0..<n {
      for (i, p) in model.parents.enumerated() { if let p, batch.codes[r, i] > 0 { #expect(batch.codes[r, p] > 0) } }
      for j in 0..<8 {
        let x = model.bias[j] + (0..<14).reduce(0.0) { $0 + batch.codes[r, $1] * model.featureVectors[$1, j] }
        #expect(abs(batch.samples[r, j] - x) <= 1e-12)
      }
    }
  }

  @Test("a toy written as a SAELens directory reads back with the same model")
  func roundTrip() throws {
    let toy = try WorldToyLoader.load(path: ToyFileTests.repository.appendingPathComponent("toys/tree.json").path)
    let written = try SAELensSyntheticModel(toy: toy)
    let directory = try Scratch.directory().path
    try written.write(to: directory)
    let read = try SAELensSyntheticModel(directory: directory)
    #expect(read.parents == written.parents && read.exclusiveParents == written.exclusiveParents && read.scaledParents == written.scaledParents)
    #expect(read.firingProbabilities == written.firingProbabilities.map { Double(Float($0)) })
    #expect(read.featureVectors.storage == written.featureVectors.storage.map { Double(Float($0)) })
  }

  @Test("worlds SAELens cannot represent are refused with the reason")
  func refusals() throws {
    let toy = try WorldToyLoader.load(path: ToyFileTests.repository.appendingPathComponent("toys/tree-exactly-one.json").path)
    #expect(throws: WorldError("SAELens supports only 'hierarchy.exclusion' at-most-one, got exactly-one")) { try SAELensSyntheticModel(toy: toy) }
    let arc = try WorldToyLoader.load(path: ToyFileTests.repository.appendingPathComponent("toys/arc.json").path)
    #expect(throws: WorldError("a SAELens synthetic model needs an 'independent' or 'tree' world, got 'arc'")) { try SAELensSyntheticModel(toy: arc) }
  }
}
