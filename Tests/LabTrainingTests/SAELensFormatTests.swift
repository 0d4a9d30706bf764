import Foundation
import LabTestSupport
import LabFormats
import LabNumerics
import LabTraining
import Testing

@Suite struct SAELensFormatTests {
  static func scratch() throws -> String {
    let url = try Scratch.directory().appendingPathComponent("lab-training")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  @Test("standard and topk SAEs round-trip through cfg.json and sae_weights.safetensors",
        arguments: [ReLUL1Architecture(l1Coefficient: 0) as any SAEArchitecture, TopKArchitecture(k: 3)])
  func roundTrip(architecture: any SAEArchitecture) throws {
    let directory = try Self.scratch()
    let sae = SparseAutoencoder(architecture: architecture, parameters: TestSupport.randomParameters(m: 5, f: 7, seed: 9).converted(to: Float.self))
    try SAELensFormat.write(sae, to: directory)
    let read = try SAELensFormat.read(from: directory)
    #expect(read.parameters == sae.parameters)
    #expect(read.architecture.kind == architecture.kind && read.architecture.activation == architecture.activation)
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/cfg.json"))) as? [String: Any]
    #expect(config?["architecture"] as? String == architecture.saeLensArchitecture)
    #expect((config?["metadata"] as? [String: Any])?["sae_lens_version"] as? String == SAELensFormat.saeLensVersion)
  }

  @Test("batchtopk is written as jumprelu at its threshold, nsae as sparselab_nsae, and both read back with the same codes",
        arguments: [BatchTopKArchitecture(k: 2, threshold: 0.3) as any SAEArchitecture,
                    NormalizedSAEArchitecture(alpha: 0.2, noiseSigma: 1, meanInputNorm: 2.5)])
  func newArchitectures(architecture: any SAEArchitecture) throws {
    let directory = try Self.scratch()
    let sae = SparseAutoencoder(architecture: architecture, parameters: TestSupport.randomParameters(m: 5, f: 7, seed: 4).converted(to: Float.self))
    try SAELensFormat.write(sae, to: directory)
    let read = try SAELensFormat.read(from: directory)
    #expect(read.parameters == sae.parameters)
    let x = Matrix(rows: 9, columns: 5, storage: TestSupport.randomMatrix(rows: 9, columns: 5, seed: 5).storage.map { Float($0) })
    #expect(read.encode(x) == sae.encode(x))
    #expect(sae.encode(x).storage.contains { $0 > 0 } && sae.encode(x).storage.contains { $0 == 0 })
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/cfg.json"))) as? [String: Any]
    #expect(config?["architecture"] as? String == architecture.saeLensArchitecture)
    if architecture is BatchTopKArchitecture {
      let weights = try SafeTensors(contentsOf: directory + "/sae_weights.safetensors")
      #expect(weights.tensors["threshold"]?.values == Array(repeating: Double(Float(0.3)), count: 7))
      #expect(read.architecture.inferenceActivation == .jumpReLU(Array(repeating: Double(Float(0.3)), count: 7)))
    } else {
      #expect(read.architecture as? NormalizedSAEArchitecture == architecture as? NormalizedSAEArchitecture)
      #expect(config?["apply_b_dec_to_input"] as? Bool == false)
    }
  }

  @Test("a bad cfg.json is refused naming the field") func refusals() throws {
    let directory = try Self.scratch()
    let sae = SparseAutoencoder(architecture: TopKArchitecture(k: 2), parameters: TestSupport.randomParameters(m: 2, f: 3, seed: 1).converted(to: Float.self))
    try SAELensFormat.write(sae, to: directory)
    let path = directory + "/cfg.json"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "\"k\": 2", with: "\"k\": 9").write(toFile: path, atomically: false, encoding: .utf8)
    #expect(throws: TrainingError.self) { try SAELensFormat.read(from: directory) }
    try text.replacingOccurrences(of: "\"topk\"", with: "\"gated\"").write(toFile: path, atomically: false, encoding: .utf8)
    #expect { try SAELensFormat.read(from: directory) } throws: { "\($0)".contains("'gated'") }
  }

  /// Directories written by sae-lens 6.54.12 itself (`Fixtures/make_saelens_sae_fixture.py`), with
  /// codes and reconstructions computed by sae-lens; float32 on both sides, so agreement to 1e−5.
  @Test("SAEs saved by sae-lens load and reproduce its codes and reconstructions", arguments: ["standard", "topk"])
  func saeLensFixture(name: String) throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/saelens-sae/\(name)").path
    let sae = try SAELensFormat.read(from: directory)
    func load(_ file: String) throws -> Matrix<Float> {
      try NumPyArray(contentsOf: directory + "/" + file).matrix(path: file, role: file)
    }
    let x = try load("x.npy")
    let codes = sae.encode(x), recon = sae.decode(codes)
    for (ours, theirs) in [(codes, try load("codes.npy")), (recon, try load("recon.npy"))] {
      #expect(ours.rows == theirs.rows && ours.columns == theirs.columns)
      for (a, b) in zip(ours.storage, theirs.storage) { #expect(abs(a - b) <= 1e-5 * (1 + abs(b)), "\(name): \(a) vs \(b)") }
    }
    #expect(codes.storage.contains { $0 > 0 })
  }
}
