// The generated LiteLLM config, pinned to what KAOS's operator writes
// (operator/controllers/modelapi_controller.go, generateLiteLLMConfig).
#include "protocol/litellm/generated_config.hpp"

#include <gtest/gtest.h>

namespace kaos::protocol::litellm {
namespace {

TEST(GeneratedLiteLLMConfig, KaosOperatorOutputByteForByte) {
  EXPECT_EQ(render_generated_config({{"gpt-4o", "*"}, "openai", true, true, false}),
            "# Auto-generated LiteLLM config\n"
            "model_list:\n"
            "  - model_name: \"gpt-4o\"\n"
            "    litellm_params:\n"
            "      model: \"openai/gpt-4o\"\n"
            "      api_base: \"os.environ/PROXY_API_BASE\"\n"
            "      api_key: \"os.environ/PROXY_API_KEY\"\n"
            "  - model_name: \"*\"\n"
            "    litellm_params:\n"
            "      model: \"openai/*\"\n"
            "      api_base: \"os.environ/PROXY_API_BASE\"\n"
            "      api_key: \"os.environ/PROXY_API_KEY\"\n"
            "\n"
            "litellm_settings:\n"
            "  drop_params: true\n");
}

TEST(GeneratedLiteLLMConfig, NoProviderNoReferencesAndTelemetryCallbacks) {
  EXPECT_EQ(render_generated_config({{"m"}, "", false, false, true}),
            "# Auto-generated LiteLLM config\n"
            "model_list:\n"
            "  - model_name: \"m\"\n"
            "    litellm_params:\n"
            "      model: \"m\"\n"
            "\n"
            "litellm_settings:\n"
            "  drop_params: true\n"
            "  success_callback: [\"otel\"]\n"
            "  failure_callback: [\"otel\"]\n");
}

}  // namespace
}  // namespace kaos::protocol::litellm
