// Must NOT compile: plan is pure and may not reach the network layer.
#include "net/http.hpp"
