// write_file_atomically: replace a small file so that a crash or power cut at any moment leaves
// either the complete old content or the complete new content under `path`, never a mix.
//
// Sequence (shared by the config store and the energy store):
//   1. write `<path>.tmp` in the same directory (O_TRUNC: a temp left by a crash is reused),
//   2. fsync it, so its data is on disk before its name can point at it,
//   3. optionally keep the current `path` as `keep_previous_as` (hard link to a temp name,
//      then rename over the old copy; a plain copy where the filesystem has no hard links):
//      `path` itself never disappears,
//   4. rename `<path>.tmp` over `path` (atomic within one filesystem),
//   5. fsync the directory, so the rename itself survives a power cut.
//
// Failure before step 4 leaves `path` untouched and removes the temp file; a failure at step 5
// means `path` already holds the new content but its durability is unknown; both return a
// FileError whose detail names the file of the failing step (the temp file, the directory, the
// kept copy: the caller knows only `path`) and whose errno_value is the system error. No
// exception escapes.
//
// Bounds: meant for small files (kilobytes) written now and then: two fsyncs per call, which
// can take tens of milliseconds on an SD card. One writer per path (the temp name is fixed);
// not thread-safe for the same path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "platform/linux/error.hpp"

namespace tbgw::platform {

// The step that failed; the detail is the file it was working on.
enum class FileErrc : std::uint8_t {
  create,         // open(O_CREAT) of the temp file
  write,          // write() of the temp file
  fsync,          // fsync() of the temp file
  close,          // close() of the temp file (NFS and some FUSE mounts report errors here)
  fsync_dir,      // fsync() of the directory after the rename
  link,           // hard link of the kept previous copy
  rename,         // rename() into place
  open,           // open() for reading
  read,           // read()
  too_large,      // larger than the reader's limit (detail says how large the limit is)
  out_of_memory,  // std::bad_alloc while building a path or the content
};
const char* to_string(FileErrc e);
using FileError = Error<FileErrc>;

struct AtomicWriteOptions {
  // When non-empty and `path` exists, the file being replaced is kept under this name (same
  // directory). Leave empty when the current file is not known to be good, so that a corrupt
  // file never overwrites the last good copy.
  std::filesystem::path keep_previous_as;
  // Permissions of a newly created file (0600 for files that may hold secrets).
  unsigned mode = 0644;
};

Result<void, FileError> write_file_atomically(const std::filesystem::path& path,
                                              std::string_view bytes,
                                              const AtomicWriteOptions& options = {});

// Reads a whole small file: its bytes, or why it cannot be opened or read, or that it is larger
// than `max_bytes` (a file that big is not ours).
Result<std::string, FileError> read_small_file(const std::filesystem::path& path,
                                               std::size_t max_bytes = 1U << 20);

}  // namespace tbgw::platform
