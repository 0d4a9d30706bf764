import Foundation
import LabFormats
import LabSolvers

/// `lab check --save-move DIR`: the dictionary (and bias) after the confirmed descent step, in the
/// files `lab learn --init DIR` reads (float64, so that rounding cannot undo a small move).
enum CheckMoveWriter {
  /// The files written into DIR (checked against the inputs by ``OutputCheck`` before any work).
  static let names = ["dictionary.npy", "bias.npy"]

  /// Writes DIR/dictionary.npy (and DIR/bias.npy) for a confirmed descent; without one, says so on
  /// standard error and writes nothing.
  static func write(_ move: SparseCodingProblem?, to directory: String?) throws {
    guard let directory else { return }
    guard let move else {
      StandardStreams.error("lab check: no confirmed descent step, so nothing was written to \(directory)\n")
      return
    }
    var files: [(name: String, contents: Data)] = [("dictionary.npy", NumPyArray(move.dictionary, as: .float64).encoded)]
    if let bias = move.bias { files.append(("bias.npy", NumPyArray(vector: bias, as: .float64).encoded)) }
    do {
      try AtomicWriter.write(files, into: directory)
      // A bias saved earlier in DIR would no longer belong to this dictionary (lab learn --init reads it).
      let staleBias = URL(fileURLWithPath: directory).appendingPathComponent("bias.npy")
      if move.bias == nil, FileManager.default.fileExists(atPath: staleBias.path) { try FileManager.default.removeItem(at: staleBias) }
    } catch {
      throw BadInput.fail("'--save-move' \(directory): cannot be written: \(error)")
    }
  }
}
