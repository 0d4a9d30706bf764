import Foundation
import LabNumerics

/// How codes are written: `.npy`, the dense N × K array; `.npz`, the non-zeros as a SciPy CSR
/// matrix (``CompressedSparseRows``; `scipy.sparse.load_npz("Z.npz")`), which for sparse codes is
/// a small fraction of the dense size.
public enum CodesFormat: String, CaseIterable, Sendable {
  /// Dense `.npy`.
  case dense = "npy"
  /// SciPy CSR `.npz`.
  case sparse = "npz"

  /// The format a file name's extension asks for (`nil` for another extension).
  public init?(path: String) {
    self.init(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
  }

  /// The file extension, without the dot.
  public var fileExtension: String { rawValue }

  /// The file's bytes for `codes` (`path` names the file in an error), stored as `elementType` when dense.
  public func encoded(_ codes: Matrix<Double>, as elementType: NumPyArray.ElementType = .float64, path: String) throws(FormatError) -> Data {
    switch self {
    case .dense: return NumPyArray(codes, as: elementType).encoded
    case .sparse: return try CompressedSparseRows(codes).npz(path: path)
    }
  }
}
