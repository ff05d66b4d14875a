// Just enough of CUDA C for primitives.cu to compile as C++ (see kernels-on-cpu.cpp): the thread and
// block indices per thread, __syncthreads as a barrier, __shared__ as static (one block runs at a time).
#include <cmath>
#include <math.h>
#include <cstring>
#include <cstdio>
#include <barrier>
#include <thread>
#include <vector>
#include <algorithm>
using std::min; using std::max;
struct dim3 { unsigned x = 1, y = 1, z = 1; };
thread_local dim3 threadIdx, blockIdx;
dim3 blockDim, gridDim;
std::barrier<>* bar;
inline void __syncthreads() { bar->arrive_and_wait(); }
#define __global__
#define __device__
#define __forceinline__
#define __launch_bounds__(x)
#define __shared__ static
inline float __int_as_float(unsigned v) { float f; memcpy(&f, &v, 4); return f; }
inline float fmaf_(float a, float b, float c) { return std::fma(a, b, c); }
