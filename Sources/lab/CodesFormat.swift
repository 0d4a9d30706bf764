import Foundation
import LabFormats
import LabNumerics

/// How a command writes codes, chosen by the output's extension: `.npy`, the dense N × K float64
/// array; `.npz`, the non-zeros as a SciPy CSR matrix (`scipy.sparse.load_npz("Z.npz")`), which
/// for sparse codes is a small fraction of the dense size.
enum CodesFormat: String, CaseIterable {
  /// Dense `.npy`.
  case dense = "npy"
  /// SciPy CSR `.npz`.
  case sparse = "npz"

  /// The format of `path` by its extension; `option` names the option in the error.
  init(path: String, option: String) throws {
    let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
    guard let format = CodesFormat(rawValue: ext) else {
      throw BadInput.fail("'\(option)' \(path) must end in .npy (dense codes) or .npz (SciPy CSR), got '.\(ext)'")
    }
    self = format
  }

  /// The file's bytes for `codes`.
  func encoded(_ codes: Matrix<Double>, path: String) throws -> Data {
    switch self {
    case .dense: return NumPyArray(codes, as: .float64).encoded
    case .sparse:
      do { return try CompressedSparseRows(codes).npz(path: path) } catch { throw BadInput.fail("\(error)") }
    }
  }
}
