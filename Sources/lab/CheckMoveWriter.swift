import Foundation
import LabFormats
import LabSolvers

/// `lab check --save-move DIR`: the dictionary (and bias) after the confirmed descent step, in the
/// files `lab learn --init DIR` reads (float64, so that rounding cannot undo a small move).
enum CheckMoveWriter {
  /// Refuses a DIR that is an existing file, or whose files would overwrite an input; before any work.
  static func validate(_ directory: String?, inputs: [String]) throws {
    guard let directory else { return }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
      throw BadInput.fail("'--save-move' \(directory) exists and is not a directory")
    }
    let written = ["dictionary.npy", "bias.npy"].map { URL(fileURLWithPath: directory).appendingPathComponent($0).standardizedFileURL.path }
    if let input = inputs.first(where: { written.contains(URL(fileURLWithPath: $0).standardizedFileURL.path) }) {
      throw BadInput.fail("'--save-move' \(directory) would overwrite the input \(input)")
    }
  }

  /// Writes DIR/dictionary.npy (and DIR/bias.npy) for a confirmed descent; without one, says so on
  /// standard error and writes nothing.
  static func write(_ move: SparseCodingProblem?, to directory: String?) throws {
    guard let directory else { return }
    guard let move else {
      FileHandle.standardError.write(Data("lab check: no confirmed descent step, so nothing was written to \(directory)\n".utf8))
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
      throw BadInput.fail("'--save-move' \(directory): cannot be written: \(error.localizedDescription)")
    }
  }
}
