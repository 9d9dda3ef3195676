#pragma once

#include <cstddef>

// Large blocks taken straight from the kernel: a large bulk argument is read into one, and the
// store may keep it as the value's storage (see store::BulkAdoptionScope), so both layers
// allocate and free them the same way.
namespace understudy::base {

// From this size a block is worth mapping rather than taking from the heap.
inline constexpr size_t kMapThreshold = 1024 * 1024;

// Uninitialised, writable memory, null if none could be had. Mapped without reserving swap:
// pages cost memory only once written, so a client announcing a large argument it never sends
// costs nothing. Pages past the first 4 MB are huge pages where the kernel allows, so a large
// argument costs a page fault per 2 MB rather than per 4 KB and unmaps fast, while a block
// that stays mostly empty still costs small pages only.
char* MapBlock(size_t size);

// Gives a MapBlock block back. A large one of small pages takes a while (about 0.1 s for
// 512 MB), so from 16 MB a helper thread unmaps it.
void UnmapBlock(char* block, size_t size);

}  // namespace understudy::base
