import Foundation
import LabFormats
import Testing

@Suite struct SafeTensorsTests {
  /// ANCHORS §4: the header of a 3→4 standard SAE written by the `safetensors` package.
  @Test("the header matches the safetensors package byte for byte") func header() throws {
    func zeros(_ shape: [Int]) -> SafeTensors.Tensor { .init(elementType: .float32, shape: shape, values: Array(repeating: 0, count: shape.reduce(1, *))) }
    let file = SafeTensors(tensors: ["W_dec": zeros([4, 3]), "W_enc": zeros([3, 4]), "b_dec": zeros([3]), "b_enc": zeros([4])])
    let data = file.encoded
    let expected = #"{"W_dec":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]},"W_enc":{"dtype":"F32","shape":[3,4],"data_offsets":[48,96]},"b_dec":{"dtype":"F32","shape":[3],"data_offsets":[96,108]},"b_enc":{"dtype":"F32","shape":[4],"data_offsets":[108,124]}}"#
    #expect(data.prefix(8) == Data([248, 0, 0, 0, 0, 0, 0, 0]))
    #expect(String(decoding: data[8..<256], as: UTF8.self) == expected + String(repeating: " ", count: 248 - expected.utf8.count))
    #expect(data.count == 256 + 124)
  }

  @Test("mixed precisions round-trip, float64 data first") func roundTrip() throws {
    let file = SafeTensors(tensors: ["a": .init(elementType: .float32, shape: [2], values: [1.5, -2]),
                                     "b": .init(elementType: .float64, shape: [1, 2], values: [0.1, 1e300])])
    let decoded = try SafeTensors(decoding: file.encoded, path: "t.safetensors")
    #expect(decoded == file)
    #expect(String(decoding: file.encoded.prefix(120), as: UTF8.self).contains(#""b":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]}"#))
  }

  @Test("bad files name the problem") func errors() {
    #expect(throws: FormatError(path: "x", "is 3 bytes, too short for a safetensors header")) { try SafeTensors(decoding: Data([1, 2, 3]), path: "x") }
    var bad = Data([16, 0, 0, 0, 0, 0, 0, 0])
    bad.append(contentsOf: Array(#"{"t":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#.utf8.prefix(16)))
    #expect(throws: FormatError.self) { try SafeTensors(decoding: bad, path: "x") }
  }

  @Test("I64 tensors: the header reads them, the Double-valued reader skips them")
  func int64() throws {
    let json = #"{"__metadata__":{"format":"pt"},"ids":{"dtype":"I64","shape":[1,3],"data_offsets":[0,24]},"w":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}}"#
    var data = Data()
    withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: Array(json.utf8))
    for value: Int64 in [0, -1, 1 << 40] { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    for value: Float in [1.5, -2] { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    let header = try SafeTensors.header(of: data, path: "p.safetensors")
    #expect(header.keys.sorted() == ["ids", "w"])
    #expect(SafeTensors.integers(header["ids"]!, in: data) == [0, -1, 1 << 40])
    #expect(SafeTensors.floats(header["w"]!, in: data) == [1.5, -2])
    #expect(try SafeTensors(decoding: data, path: "p.safetensors") == SafeTensors(tensors: ["w": .init(elementType: .float32, shape: [2], values: [1.5, -2])]))
    // A slice that does not start at index 0 reads the same.
    let slice = (Data([7, 7, 7]) + data).dropFirst(3)
    let sliceHeader = try SafeTensors.header(of: slice, path: "p.safetensors")
    #expect(sliceHeader == header && SafeTensors.floats(sliceHeader["w"]!, in: slice) == [1.5, -2])
  }
}
