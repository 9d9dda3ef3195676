#include "resp/base/mapped.h"

#include <sys/mman.h>

#include <cstdint>
#include <system_error>
#include <thread>

namespace understudy::base {
namespace {

constexpr size_t kBackgroundUnmap = 16 * 1024 * 1024;
constexpr uintptr_t kSmallPart = 4 << 20;
constexpr uintptr_t kHugePage = 2 << 20;

}  // namespace

char* MapBlock(size_t size) {
  void* block = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (block == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(block);
  const uintptr_t huge_start = (start + kSmallPart + kHugePage - 1) & ~(kHugePage - 1);
  if (huge_start < start + size) {
    madvise(reinterpret_cast<void*>(huge_start), start + size - huge_start, MADV_HUGEPAGE);
  }
  return static_cast<char*>(block);
}

void UnmapBlock(char* block, size_t size) {
  if (size >= kBackgroundUnmap) {
    try {
      std::thread([block, size] { munmap(block, size); }).detach();
      return;
    } catch (const std::system_error&) {
      // No thread to be had: unmap here.
    }
  }
  munmap(block, size);
}

}  // namespace understudy::base
