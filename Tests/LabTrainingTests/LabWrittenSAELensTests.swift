import Foundation
import LabFormats
import LabNumerics
import LabTraining
import Testing

/// SAEs written by `lab train` as SAELens folders, run by sae-lens 6.54.12 itself
/// (`Fixtures/make_lab_jumprelu_fixture.py`): sae-lens loads them as the architecture they name and
/// computes the codes and reconstructions the lab computes.
@Suite struct LabWrittenSAELensTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  @Test("a jumprelu SAE trained by lab train runs in sae-lens to the lab's codes and reconstructions, and re-writes to the same bytes")
  func jumpReLU() throws {
    let folder = Self.directory.appendingPathComponent("lab-jumprelu")
    let sae = try SAELensFormat.read(from: folder.appendingPathComponent("sae").path)
    #expect(sae.architecture is JumpReLUArchitecture)
    func load(_ path: URL) throws -> Matrix<Float> { try NumPyArray(contentsOf: path.path).matrix(path: path.path, role: path.lastPathComponent) }
    let all = try load(Self.directory.appendingPathComponent("synthbench/x.npy"))
    let x = Matrix(rows: 300, columns: all.columns, storage: Array(all.storage[0..<(300 * all.columns)]))
    let codes = sae.encode(x), reconstructions = sae.decode(codes)
    let theirCodes = try load(folder.appendingPathComponent("codes.npy"))
    #expect(codes.storage.map { $0 != 0 } == theirCodes.storage.map { $0 != 0 }, "the same latents fire")
    for (ours, theirs) in [(codes, theirCodes), (reconstructions, try load(folder.appendingPathComponent("reconstructions.npy")))] {
      #expect(ours.rows == theirs.rows && ours.columns == theirs.columns)
      for (a, b) in zip(ours.storage, theirs.storage) { #expect(abs(a - b) <= 1e-5 * (1 + abs(b)), "\(a) vs \(b)") }
    }
    #expect(codes.storage.contains { $0 > 0 })
    for file in SAELensFormat.files(sae) {
      #expect(file.contents == (try Data(contentsOf: folder.appendingPathComponent("sae/\(file.name)"))), "\(file.name) re-written differs")
    }
  }
}
