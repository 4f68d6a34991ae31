//===- Npy.h - arrays as NumPy .npy files -----------------------*- C++ -*-===//
//
// Format 1.0 of numpy.lib.format: "\x93NUMPY", version 1.0, a 2-byte
// little-endian header length, a Python dict literal (dtype, order, shape)
// padded with spaces to a multiple of 64 bytes, then the raw data.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_SUPPORT_NPY_H
#define ALEXRT_SUPPORT_NPY_H

#include "runtime/support/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace alexrt {

/// Writes a C-order array of `dtype` ("<f4" or "<i4": little-endian hosts)
/// and `shape` from `data`, atomically.
Status writeNpy(const std::string &path, const std::string &dtype,
                const std::vector<int64_t> &shape, const void *data);

/// The file written beside FILE.npy: FILE.`part`.npy (FILE.labels.npy,
/// FILE.inputs.npy); `path` without .npy gets the suffix all the same.
std::string companionNpy(const std::string &path, const std::string &part);

} // namespace alexrt

#endif // ALEXRT_SUPPORT_NPY_H
